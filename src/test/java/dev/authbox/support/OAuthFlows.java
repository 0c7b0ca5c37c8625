package dev.authbox.support;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The user-facing OAuth calls of the password, refresh, revocation, introspection and userinfo
 * tests, against one {@link TestServer}. Client authentication everywhere: a non-null secret is
 * sent with HTTP Basic, a null secret makes the caller a public client that sends only
 * {@code client_id} in the form.
 */
public final class OAuthFlows {
    public static final String GIVEN_NAME = "Alice";
    public static final String FAMILY_NAME = "Liddell";
    public static final String NAME = "Alice Liddell";

    private final TestServer server;

    public OAuthFlows(TestServer server) {
        this.server = server;
    }

    public TestServer server() {
        return server;
    }

    // ---- resources ----

    /** A User with this password, the email {@link #emailOf(String)} and name claims in {@code data}. */
    public void user(String id, String password) {
        server.put("/User/" + id, userJson(id, password, false));
    }

    /** Re-PUTs the user of {@link #user} with {@code inactive} set, same password and email. */
    public void setInactive(String id, String password, boolean inactive) {
        server.put("/User/" + id, userJson(id, password, inactive));
    }

    /** The (mixed-case) email the users of {@link #user} get. */
    public static String emailOf(String id) {
        return "Mail." + id + "@Example.COM";
    }

    private static String userJson(String id, String password, boolean inactive) {
        return "{\"email\":\"" + emailOf(id) + "\",\"password\":\"" + password + "\",\"inactive\":" + inactive
                + ",\"data\":{\"given_name\":\"" + GIVEN_NAME + "\",\"family_name\":\"" + FAMILY_NAME
                + "\",\"name\":\"" + NAME + "\"}}";
    }

    /**
     * A client with the password grant and these {@code auth.password} settings (JSON object text);
     * {@code secret} null makes it public. {@code moreGrantTypes} are added to {@code grant_types}.
     */
    public void passwordClient(String id, String secret, String passwordSettings, String... moreGrantTypes) {
        StringBuilder grants = new StringBuilder("\"password\"");
        for (String g : moreGrantTypes) {
            grants.append(",\"").append(g).append('"');
        }
        server.put("/Client/" + id, "{" + (secret == null ? "" : "\"secret\":\"" + secret + "\",")
                + "\"grant_types\":[" + grants + "],\"auth\":{\"password\":" + passwordSettings + "}}");
    }

    // ---- calls ----

    /** POST /auth/token grant_type=password; {@code more} are extra form pairs (scope, audience...). */
    public HttpResult password(String clientId, String secret, String username, String password, String... more) {
        return tokenRequest(clientId, secret, concat(more, "grant_type", "password", "username", username, "password", password));
    }

    /** A successful password grant's response body (fails the test otherwise). */
    public JsonNode passwordTokens(String clientId, String secret, String username, String password, String... more) {
        return ok(password(clientId, secret, username, password, more));
    }

    /** POST /auth/token grant_type=refresh_token. */
    public HttpResult refresh(String clientId, String secret, String refreshToken, String... more) {
        return tokenRequest(clientId, secret, concat(more, "grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** POST /auth/revoke as this client. */
    public HttpResult revoke(String clientId, String secret, String token, String... more) {
        return clientPost("/auth/revoke", clientId, secret, concat(more, "token", token));
    }

    /** POST /auth/introspect as this client. */
    public HttpResult introspect(String clientId, String secret, String token, String... more) {
        return clientPost("/auth/introspect", clientId, secret, concat(more, "token", token));
    }

    /** The introspection answer for {@code token}, asked by the admin client (a confidential client). */
    public JsonNode introspection(String token) {
        return ok(introspect(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET, token));
    }

    /** GET /auth/userinfo with a Bearer token. */
    public HttpResult userinfo(String accessToken) {
        return server.get("/auth/userinfo", "Bearer " + accessToken);
    }

    /** POST /auth/userinfo with a Bearer token and no body. */
    public HttpResult userinfoPost(String accessToken) {
        return server.send("POST", "/auth/userinfo", headers("Authorization", "Bearer " + accessToken), null);
    }

    private HttpResult tokenRequest(String clientId, String secret, String[] pairs) {
        return secret == null
                ? server.token(null, form(concat(pairs, "client_id", clientId)))
                : server.token(basic(clientId, secret), form(pairs));
    }

    private HttpResult clientPost(String path, String clientId, String secret, String[] pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-www-form-urlencoded");
        String[] all = pairs;
        if (secret != null) {
            h.put("Authorization", basic(clientId, secret));
        } else if (clientId != null) {
            all = concat(pairs, "client_id", clientId);
        }
        return server.send("POST", path, h, form(all));
    }

    // ---- inspection ----

    /** Asserts a 200 JSON answer and returns its body. */
    public static JsonNode ok(HttpResult r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Asserts an OAuth error response with this status and error code. */
    public static void assertError(HttpResult r, int status, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).as(r.toString()).isEqualTo(error);
    }

    /** The issuer the server announces in its discovery document. */
    public String issuer() {
        return ok(server.get("/.well-known/openid-configuration", null)).get("issuer").asText();
    }

    /**
     * The claims of a JWT this server signed: checks that it is RS256, that its kid is in the JWKS
     * with a public key only, and that the signature verifies with that key.
     */
    public JWTClaimsSet verifiedClaims(String jwt) throws Exception {
        SignedJWT signed = SignedJWT.parse(jwt);
        assertThat(signed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWKSet jwks = JWKSet.parse(server.get("/.well-known/jwks.json", null).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(signed.getHeader().getKeyID());
        assertThat(key).as("kid %s in the JWKS", signed.getHeader().getKeyID()).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(signed.verify(new RSASSAVerifier(key))).as("signature verifies").isTrue();
        return signed.getJWTClaimsSet();
    }

    /** Sessions (issued access tokens) of a user, counted in the database. */
    public long sessionCount(String userId) throws Exception {
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM auth_session WHERE user_id = ?")) {
            st.setString(1, userId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---- timing and concurrency ----

    /** Runs the calls on their own threads, released together, and returns their results in order. */
    public static List<HttpResult> concurrently(List<Supplier<HttpResult>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch ready = new CountDownLatch(calls.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResult>> futures = new ArrayList<>();
            for (Supplier<HttpResult> call : calls) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.get();
                }));
            }
            ready.await(10, TimeUnit.SECONDS);
            go.countDown();
            List<HttpResult> results = new ArrayList<>();
            for (Future<HttpResult> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Asserts that exactly one of several concurrent uses of one single-use credential (a code, a
     * refresh token) succeeded and every other one is a plain invalid_grant; returns the winner's body.
     */
    public static JsonNode assertExactlyOneWinner(List<HttpResult> results) {
        List<HttpResult> winners = results.stream().filter(r -> r.status() == 200).toList();
        assertThat(winners).as("successes among %s", results).hasSize(1);
        assertThat(results.stream().filter(r -> r.status() != 200))
                .as("every other use is a plain invalid_grant")
                .allSatisfy(r -> assertError(r, 400, "invalid_grant"));
        return winners.get(0).json();
    }

    /** Sleeps until {@code deadlineMillis} (a {@link System#currentTimeMillis()} value). */
    public static void sleepUntil(long deadlineMillis) throws InterruptedException {
        long left = deadlineMillis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /**
     * Sleeps until just after the next whole second and returns that moment (epoch millis). The
     * server counts time in whole seconds; starting there keeps second-boundary effects out of
     * tests that wait for expiry or a throttle window.
     */
    public static long startOfASecond() throws InterruptedException {
        long next = (System.currentTimeMillis() / 1000 + 1) * 1000 + 50;
        sleepUntil(next);
        return next;
    }

    private static String[] concat(String[] more, String... first) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
