package dev.authbox.support;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Clients, users and token calls shared by the browser-flow tests (and the multi-node tests' code flow). */
public final class UiFixtures {
    public static final String CB = "http://127.0.0.1:9999/cb";
    public static final String CB2 = "http://127.0.0.1:9999/other";
    public static final String BYE = "http://127.0.0.1:9999/bye";
    public static final String SECRET = "app-secret-for-ui-tests";
    public static final String PASSWORD = "correct horse battery";
    private static final Map<String, String> ISSUERS = new ConcurrentHashMap<>();

    public final TestServer server;

    public UiFixtures(TestServer server) {
        this.server = server;
    }

    /** The node's issuer, as its discovery document says. */
    public String issuer() {
        return ISSUERS.computeIfAbsent(server.base, b -> {
            HttpResult r = server.get("/.well-known/openid-configuration", null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.json().get("issuer").asText();
        });
    }

    /** An active user with {@link #PASSWORD}, an email and profile data; returns its id. */
    public String user() {
        String id = TestServer.uniqueId("alice");
        server.put("/User/" + id, "{\"email\":\"" + id + "@example.com\",\"password\":\"" + PASSWORD + "\","
                + "\"data\":{\"name\":\"Alice Liddell\",\"given_name\":\"Alice\",\"family_name\":\"Liddell\"}}");
        return id;
    }

    /** A client from raw JSON; returns its id. */
    public String client(String prefix, String json) {
        String id = TestServer.uniqueId(prefix);
        server.put("/Client/" + id, json);
        return id;
    }

    /**
     * A confidential client with code and implicit, redirect {@link #CB}, JWT access tokens and
     * refresh tokens, logout target {@link #BYE}.
     */
    public String confidentialClient(boolean firstParty) {
        return client(firstParty ? "app1p" : "app3p", "{\"name\":\"App\",\"secret\":\"" + SECRET + "\",\"first_party\":" + firstParty
                + ",\"grant_types\":[\"code\",\"implicit\",\"refresh_token\"],"
                + "\"post_logout_redirect_uris\":[\"" + BYE + "\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB + "\",\"refresh_token\":true,\"token_format\":\"jwt\"},"
                + "\"implicit\":{\"redirect_uri\":\"" + CB + "\"}}}");
    }

    /** A public client (no secret) with the code grant, redirect {@link #CB}. */
    public String publicClient(boolean firstParty) {
        return client("pub", "{\"name\":\"Public App\",\"first_party\":" + firstParty + ",\"grant_types\":[\"code\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB + "\"}}}");
    }

    /** An authorization request path for a code flow with PKCE and openid. */
    public static String codeRequest(String clientId, String state, String nonce, BrowserSession.Pkce pkce, String... extra) {
        List<String> pairs = new ArrayList<>(List.of("response_type", "code", "client_id", clientId, "redirect_uri", CB,
                "scope", "openid profile email", "state", state, "nonce", nonce,
                "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        for (int i = 0; i < extra.length; i += 2) {
            int at = pairs.indexOf(extra[i]);
            if (at >= 0 && at % 2 == 0) {
                pairs.set(at + 1, extra[i + 1]);
            } else {
                pairs.add(extra[i]);
                pairs.add(extra[i + 1]);
            }
        }
        return BrowserSession.url("/auth/authorize", pairs.toArray(String[]::new));
    }

    /** Redeems a code as the confidential client (Basic). */
    public HttpResult redeem(String clientId, String code, String verifier) {
        return redeem(clientId, code, CB, verifier);
    }

    public HttpResult redeem(String clientId, String code, String redirectUri, String verifier) {
        List<String> pairs = new ArrayList<>(List.of("grant_type", "authorization_code", "code", code));
        if (redirectUri != null) {
            pairs.add("redirect_uri");
            pairs.add(redirectUri);
        }
        if (verifier != null) {
            pairs.add("code_verifier");
            pairs.add(verifier);
        }
        return server.token(basic(clientId, SECRET), form(pairs.toArray(String[]::new)));
    }

    /** Whether the admin's introspection calls the access token active. */
    public boolean active(String accessToken) {
        HttpResult r = server.send("POST", "/auth/introspect",
                TestServer.headers("Authorization", TestServer.adminBasic(), "Content-Type", "application/x-www-form-urlencoded"),
                form("token", accessToken));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    public HttpResult userinfo(String accessToken) {
        return server.get("/auth/userinfo", "Bearer " + accessToken);
    }

    /** The parsed token, after checking its signature against the node's JWKS. */
    public SignedJWT verifiedJwt(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWKSet jwks = JWKSet.parse(server.get("/.well-known/jwks.json", null).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("key %s in the JWKS", jwt.getHeader().getKeyID()).isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).as("signature").isTrue();
        return jwt;
    }

    /** Completes a code flow in {@code browser} (signing in when asked, approving consent) and returns the code. */
    public String code(BrowserSession browser, String clientId, String userId, BrowserSession.Pkce pkce, String... extra) {
        String state = "st-" + System.nanoTime();
        BrowserSession.Page p = browser.authorize(codeRequest(clientId, state, "n-" + state, pkce, extra),
                userId, PASSWORD, "approve");
        assertThat(p.location()).as(p.toString()).startsWith(CB + "?");
        Map<String, String> q = BrowserSession.query(p.location());
        assertThat(q.get("state")).isEqualTo(state);
        assertThat(q).containsKey("code");
        return q.get("code");
    }
}
