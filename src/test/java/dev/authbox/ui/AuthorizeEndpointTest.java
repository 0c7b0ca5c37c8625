package dev.authbox.ui;

import static dev.authbox.support.BrowserSession.fragment;
import static dev.authbox.support.BrowserSession.query;
import static dev.authbox.support.BrowserSession.url;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.UiFixtures.CB;
import static dev.authbox.support.UiFixtures.CB2;
import static dev.authbox.support.UiFixtures.PASSWORD;
import static dev.authbox.support.UiFixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.config.Setting;
import dev.authbox.security.RandomTokens;
import dev.authbox.support.BrowserSession;
import dev.authbox.support.BrowserSession.Page;
import dev.authbox.support.BrowserSession.Pkce;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import dev.authbox.support.UiFixtures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorization endpoint and the code's redemption, over HTTP (issue 4): which errors are
 * shown and which are redirected, state and iss, PKCE, single-use codes (across two nodes:
 * MultiNodeTest), prompt and max_age, and
 * the implicit, hybrid and form_post responses. Each test on H2 and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AuthorizeEndpointTest {
    @Parameter
    TestDatabase db;

    TestServer server;
    UiFixtures fx;
    BrowserSession browser;
    String app;
    String user;
    Pkce pkce;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        fx = new UiFixtures(server);
        browser = new BrowserSession(server);
        app = fx.confidentialClient(true);
        user = fx.user();
        pkce = Pkce.create();
    }

    // ---- errors that are shown, never redirected ----

    @Test
    void unknownClientIsShownAndNeverRedirected() {
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "code", "client_id", TestServer.uniqueId("nobody"),
                "redirect_uri", CB, "state", "s1")));
        assertErrorPage(browser.get(url("/oauth2/authorize", "response_type", "code", "client_id", TestServer.uniqueId("nobody"),
                "redirect_uri", CB, "state", "s1", "prompt", "none")));
    }

    @Test
    void missingOrEmptyClientIdIsShown() {
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "code", "redirect_uri", CB, "state", "s1")));
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "code", "client_id", "", "redirect_uri", CB)));
        assertErrorPage(browser.get("/auth/authorize"));
    }

    @Test
    void unregisteredRedirectUriIsShown() {
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "code", "client_id", app,
                "redirect_uri", "https://evil.example/cb", "state", "s1", "code_challenge", pkce.challenge(),
                "code_challenge_method", "S256")));
        // Even with a request that is wrong in other ways too: the redirect URI is checked first.
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "made_up", "client_id", app,
                "redirect_uri", "https://evil.example/cb", "state", "s1")));
    }

    @Test
    void redirectUriMustMatchExactly() {
        for (String variant : List.of(CB + "/", CB + "?x=1", CB + "#frag", "http://127.0.0.1:9999/CB", "HTTP://127.0.0.1:9999/cb",
                "http://localhost:9999/cb", "http://127.0.0.1:9998/cb", "http://127.0.0.1:9999/cb/../cb", CB + "x",
                "http://127.0.0.1:9999/c", " " + CB)) {
            Page p = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "redirect_uri", variant,
                    "state", "s1", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
            assertErrorPage(p, "redirect_uri " + variant);
        }
    }

    @Test
    void redirectUriMayBeOmittedOnlyWhenExactlyOneIsRegistered() {
        Page one = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "state", "s1",
                "prompt", "none", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertRedirectError(one, CB, false, "login_required", "s1");

        String two = twoRedirectClient();
        assertErrorPage(browser.get(url("/auth/authorize", "response_type", "code", "client_id", two, "state", "s1",
                "prompt", "none", "code_challenge", pkce.challenge(), "code_challenge_method", "S256")));
        Page given = browser.get(url("/auth/authorize", "response_type", "code", "client_id", two, "redirect_uri", CB2,
                "state", "s1", "prompt", "none", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertRedirectError(given, CB2, false, "login_required", "s1");
    }

    @Test
    void duplicatedClientIdOrRedirectUriIsShown() {
        assertErrorPage(browser.get("/auth/authorize?response_type=code&client_id=" + app + "&client_id=" + app
                + "&redirect_uri=" + BrowserSession.enc(CB) + "&state=s1"));
        assertErrorPage(browser.get("/auth/authorize?response_type=code&client_id=" + app
                + "&redirect_uri=" + BrowserSession.enc(CB) + "&redirect_uri=" + BrowserSession.enc(CB) + "&state=s1"));
    }

    // ---- errors that go back to the client ----

    @Test
    void unsupportedResponseTypeIsRedirected() {
        Page p = browser.get(url("/auth/authorize", "response_type", "made_up", "client_id", app, "redirect_uri", CB,
                "state", "s-urt"));
        assertRedirectError(p, CB, false, "unsupported_response_type", "s-urt");
    }

    @Test
    void missingResponseTypeIsInvalidRequest() {
        Page p = browser.get(url("/auth/authorize", "client_id", app, "redirect_uri", CB, "state", "s-mrt"));
        assertRedirectError(p, CB, false, "invalid_request", "s-mrt");
    }

    @Test
    void responseTypeNotAllowedForTheClientIsUnauthorizedClient() {
        // The legacy top-level redirect_uri serves both grants, so the redirect URI is valid either way.
        String codeOnly = fx.client("codeonly", "{\"secret\":\"" + SECRET + "\",\"first_party\":true,\"grant_types\":[\"code\"],"
                + "\"redirect_uri\":\"" + CB + "\"}");
        Page token = browser.get(url("/auth/authorize", "response_type", "token", "client_id", codeOnly, "redirect_uri", CB,
                "state", "s-uc1", "scope", "openid", "nonce", "n1"));
        assertRedirectError(token, CB, true, "unauthorized_client", "s-uc1");

        String implicitOnly = fx.client("implonly", "{\"secret\":\"" + SECRET + "\",\"first_party\":true,\"grant_types\":[\"implicit\"],"
                + "\"redirect_uri\":\"" + CB + "\"}");
        Page code = browser.get(url("/auth/authorize", "response_type", "code", "client_id", implicitOnly, "redirect_uri", CB,
                "state", "s-uc2", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertRedirectError(code, CB, false, "unauthorized_client", "s-uc2");
    }

    @Test
    void scopeOutsideTheClientsListIsInvalidScope() {
        String scoped = fx.client("scoped", "{\"secret\":\"" + SECRET + "\",\"first_party\":true,\"grant_types\":[\"code\"],"
                + "\"scope\":[\"openid\",\"profile\"],\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB + "\"}}}");
        Page p = browser.get(url("/auth/authorize", "response_type", "code", "client_id", scoped, "redirect_uri", CB,
                "state", "s-scope", "scope", "openid admin", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertRedirectError(p, CB, false, "invalid_scope", "s-scope");
    }

    @Test
    void idTokenResponsesRequireANonce() {
        Page idToken = browser.get(url("/auth/authorize", "response_type", "id_token", "client_id", app, "redirect_uri", CB,
                "state", "s-n1", "scope", "openid"));
        assertRedirectError(idToken, CB, true, "invalid_request", "s-n1");
        Page hybrid = browser.get(url("/auth/authorize", "response_type", "code id_token", "client_id", app, "redirect_uri", CB,
                "state", "s-n2", "scope", "openid", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertRedirectError(hybrid, CB, true, "invalid_request", "s-n2");
    }

    @Test
    void plainPkceIsRefused() {
        String verifier = Pkce.create().verifier();
        Page plain = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "redirect_uri", CB,
                "state", "s-plain", "code_challenge", verifier, "code_challenge_method", "plain"));
        assertRedirectError(plain, CB, false, "invalid_request", "s-plain");
        // Without a method the challenge would be plain (RFC 7636 §4.3): refused as well.
        Page noMethod = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "redirect_uri", CB,
                "state", "s-nomethod", "code_challenge", verifier));
        assertRedirectError(noMethod, CB, false, "invalid_request", "s-nomethod");
    }

    @Test
    void publicClientMustUsePkce() {
        String pub = fx.publicClient(true);
        Page p = browser.get(url("/auth/authorize", "response_type", "code", "client_id", pub, "redirect_uri", CB,
                "state", "s-pub"));
        assertRedirectError(p, CB, false, "invalid_request", "s-pub");
        Page withPkce = browser.get(url("/auth/authorize", "response_type", "code", "client_id", pub, "redirect_uri", CB,
                "state", "s-pub", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertThat(withPkce.location()).as(withPkce.toString()).startsWith("/auth/login?");
    }

    @Test
    void clientWithPkceTrueMustUsePkce() {
        String strict = fx.client("pkce", "{\"secret\":\"" + SECRET + "\",\"first_party\":true,\"grant_types\":[\"code\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB + "\",\"pkce\":true}}}");
        Page p = browser.get(url("/auth/authorize", "response_type", "code", "client_id", strict, "redirect_uri", CB,
                "state", "s-strict"));
        assertRedirectError(p, CB, false, "invalid_request", "s-strict");
        // A confidential client without pkce:true may go without.
        Page relaxed = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "redirect_uri", CB,
                "state", "s-relaxed"));
        assertThat(relaxed.location()).as(relaxed.toString()).startsWith("/auth/login?");
    }

    @Test
    void promptNoneWithoutSessionIsLoginRequired() {
        Page p = browser.get(UiFixtures.codeRequest(app, "s-none", "n1", pkce, "prompt", "none"));
        assertRedirectError(p, CB, false, "login_required", "s-none");
    }

    @Test
    void promptNoneWithSessionButNoConsentIsConsentRequired() {
        String thirdParty = fx.confidentialClient(false);
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(UiFixtures.codeRequest(thirdParty, "s-consent", "n1", pkce, "prompt", "none"));
        assertRedirectError(p, CB, false, "consent_required", "s-consent");
        // The same session is enough for a first-party client: a code, no page.
        Page firstParty = browser.get(UiFixtures.codeRequest(app, "s-fp", "n1", pkce, "prompt", "none"));
        assertThat(firstParty.location()).as(firstParty.toString()).startsWith(CB + "?");
        assertThat(query(firstParty.location())).containsKey("code").containsEntry("state", "s-fp");
    }

    @Test
    void tokensAreNeverReturnedInTheQuery() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        for (String type : List.of("token", "id_token token", "id_token", "code token")) {
            Page p = browser.get(url("/auth/authorize", "response_type", type, "client_id", app, "redirect_uri", CB,
                    "state", "s-q", "scope", "openid", "nonce", "n1", "response_mode", "query",
                    "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
            assertThat(p.status()).as(type + ": " + p).isEqualTo(302);
            String location = p.location();
            assertThat(location).as(type).startsWith(CB).doesNotContain("access_token").doesNotContain("id_token=");
            Map<String, String> params = location.contains("#") ? fragment(location) : query(location);
            assertThat(params).as(type + ": " + location).containsEntry("error", "invalid_request")
                    .containsEntry("state", "s-q").containsEntry("iss", fx.issuer());
        }
    }

    @Test
    void unknownResponseModeIsInvalidRequest() {
        Page p = browser.get(UiFixtures.codeRequest(app, "s-mode", "n1", pkce, "response_mode", "carrier_pigeon"));
        assertRedirectError(p, CB, false, "invalid_request", "s-mode");
    }

    @Test
    void requestObjectsAreNotSupported() {
        Page p = browser.get(UiFixtures.codeRequest(app, "s-ro", "n1", pkce, "request", "eyJhbGciOiJub25lIn0.e30."));
        assertRedirectError(p, CB, false, "request_not_supported", "s-ro");
    }

    // ---- state and iss ----

    @Test
    void stateIsEchoedExactlyAndIssIsOnEveryResponse() {
        String state = "a b&c=d/é?#+%20";
        Page error = browser.get(UiFixtures.codeRequest(app, state, "n1", pkce, "prompt", "none"));
        assertRedirectError(error, CB, false, "login_required", state);

        Page noState = browser.get(url("/auth/authorize", "response_type", "code", "client_id", app, "redirect_uri", CB,
                "prompt", "none", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        assertThat(query(noState.location())).doesNotContainKey("state").containsEntry("iss", fx.issuer())
                .containsEntry("error", "login_required");

        Page ok = browser.authorize(UiFixtures.codeRequest(app, state, "n1", pkce), user, PASSWORD, "approve");
        Map<String, String> q = query(ok.location());
        assertThat(q).containsEntry("state", state).containsEntry("iss", fx.issuer()).containsKey("code");

        Page implicit = browser.get(url("/auth/authorize", "response_type", "token", "client_id", app, "redirect_uri", CB,
                "state", state));
        assertThat(fragment(implicit.location())).containsEntry("state", state).containsEntry("iss", fx.issuer());
    }

    // ---- the code flow and the token endpoint ----

    @Test
    void codeFlowIssuesTokensUserinfoAndAVerifiableIdToken() throws Exception {
        long before = Instant.now().getEpochSecond();
        String nonce = "nonce-" + System.nanoTime();
        Page p = browser.authorize(UiFixtures.codeRequest(app, "s-ok", nonce, pkce), user, PASSWORD, "approve");
        assertThat(p.status()).isEqualTo(302);
        assertThat(BrowserSession.withoutParams(p.location())).isEqualTo(CB);
        Map<String, String> q = query(p.location());
        assertThat(q).containsEntry("state", "s-ok").containsEntry("iss", fx.issuer()).doesNotContainKey("access_token");
        String code = q.get("code");
        assertThat(code).hasSizeGreaterThanOrEqualTo(22); // at least 128 bits of base64url

        HttpResult r = fx.redeem(app, code, pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = r.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        String accessToken = body.get("access_token").asText();
        assertThat(body.get("refresh_token").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(body.get("scope").asText().split(" ")).containsExactlyInAnyOrder("openid", "profile", "email");
        assertThat(body.at("/userinfo/id").asText()).isEqualTo(user);
        assertThat(body.at("/userinfo/password").isMissingNode()).isTrue();

        SignedJWT idToken = fx.verifiedJwt(body.get("id_token").asText());
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(idToken.getHeader().getKeyID()).isNotBlank();
        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(fx.issuer());
        assertThat(c.getSubject()).isEqualTo(user);
        assertThat(c.getAudience()).containsExactly(app);
        assertThat(c.getStringClaim("nonce")).isEqualTo(nonce);
        long iat = c.getIssueTime().toInstant().getEpochSecond();
        assertThat(iat).isBetween(before, Instant.now().getEpochSecond() + 1);
        assertThat(c.getExpirationTime().toInstant().getEpochSecond()).isGreaterThan(iat);
        Long authTime = c.getLongClaim("auth_time");
        assertThat(authTime).isNotNull().isBetween(before, iat);
        assertThat(c.getStringClaim("at_hash")).isEqualTo(halfHash(accessToken));
        assertThat(c.getStringClaim("name")).isEqualTo("Alice Liddell");
        assertThat(c.getStringClaim("given_name")).isEqualTo("Alice");
        assertThat(c.getStringClaim("family_name")).isEqualTo("Liddell");
        assertThat(c.getStringClaim("email")).isEqualTo(user + "@example.com");

        HttpResult info = fx.userinfo(accessToken);
        assertThat(info.status()).as(info.toString()).isEqualTo(200);
        assertThat(info.json().get("sub").asText()).isEqualTo(user);
    }

    @Test
    void idTokenCarriesAcrAndAmr() throws Exception {
        // Issue 4 lists acr/amr among the ID token's claims; a password sign-in is amr "pwd" (RFC 8176).
        String code = fx.code(browser, app, user, pkce, "scope", "openid");
        HttpResult r = fx.redeem(app, code, pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JWTClaimsSet c = fx.verifiedJwt(r.json().get("id_token").asText()).getJWTClaimsSet();
        assertThat(c.getClaims()).as("ID token claims").containsKeys("acr", "amr");
        assertThat(c.getStringListClaim("amr")).contains("pwd");
    }

    @Test
    void idTokenCarriesProfileClaimsOnlyWithTheProfileScope() throws Exception {
        String code = fx.code(browser, app, user, pkce, "scope", "openid");
        HttpResult r = fx.redeem(app, code, pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JWTClaimsSet c = fx.verifiedJwt(r.json().get("id_token").asText()).getJWTClaimsSet();
        assertThat(c.getSubject()).isEqualTo(user);
        assertThat(c.getClaims()).doesNotContainKeys("name", "given_name", "family_name", "email");
    }

    @Test
    void withoutOpenidThereIsNoIdToken() {
        String code = fx.code(browser, app, user, pkce, "scope", "profile");
        HttpResult r = fx.redeem(app, code, pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().has("id_token")).isFalse();
        assertThat(r.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void refreshTokenFromTheCodeRotates() {
        String code = fx.code(browser, app, user, pkce);
        HttpResult first = fx.redeem(app, code, pkce.verifier());
        String r1 = first.json().get("refresh_token").asText();
        HttpResult second = server.token(basic(app, SECRET), form("grant_type", "refresh_token", "refresh_token", r1));
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        String r2 = second.json().get("refresh_token").asText();
        assertThat(r2).isNotBlank().isNotEqualTo(r1);
        assertThat(second.json().get("access_token").asText()).isNotEqualTo(first.json().get("access_token").asText());
        HttpResult reused = server.token(basic(app, SECRET), form("grant_type", "refresh_token", "refresh_token", r1));
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void publicClientRedeemsWithClientIdAndVerifier() {
        String pub = fx.publicClient(true);
        String code = fx.code(browser, pub, user, pkce);
        HttpResult r = server.token(null, form("grant_type", "authorization_code", "code", code, "redirect_uri", CB,
                "client_id", pub, "code_verifier", pkce.verifier()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void codeIsSingleUseAndAReplayRevokesWhatItIssued() {
        String code = fx.code(browser, app, user, pkce);
        HttpResult first = fx.redeem(app, code, pkce.verifier());
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String accessToken = first.json().get("access_token").asText();
        String refreshToken = first.json().get("refresh_token").asText();
        assertThat(fx.active(accessToken)).isTrue();
        assertThat(fx.userinfo(accessToken).status()).isEqualTo(200);

        HttpResult second = fx.redeem(app, code, pkce.verifier());
        assertThat(second.status()).as(second.toString()).isEqualTo(400);
        assertThat(second.json().get("error").asText()).isEqualTo("invalid_grant");

        assertThat(fx.active(accessToken)).as("access token of the first redemption after the replay").isFalse();
        assertThat(fx.userinfo(accessToken).status()).isEqualTo(401);
        HttpResult refresh = server.token(basic(app, SECRET), form("grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(refresh.status()).as(refresh.toString()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void wrongCodeVerifierIsInvalidGrant() {
        String code = fx.code(browser, app, user, pkce);
        HttpResult r = fx.redeem(app, code, Pkce.create().verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
        HttpResult malformed = fx.redeem(app, code, "short");
        assertThat(malformed.json().get("error").asText()).isEqualTo("invalid_grant");
        // The challenge itself is not the verifier.
        HttpResult challenge = fx.redeem(app, code, pkce.challenge());
        assertThat(challenge.json().get("error").asText()).isEqualTo("invalid_grant");
        // A refused request does not use the code up: the right verifier still redeems it.
        HttpResult right = fx.redeem(app, code, pkce.verifier());
        assertThat(right.status()).as(right.toString()).isEqualTo(200);
    }

    @Test
    void missingCodeVerifierIsInvalidGrant() {
        String code = fx.code(browser, app, user, pkce);
        HttpResult r = fx.redeem(app, code, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void codeIsBoundToItsClient() {
        String code = fx.code(browser, app, user, pkce);
        String other = fx.confidentialClient(true);
        HttpResult r = fx.redeem(other, code, pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(r.json().has("access_token")).isFalse();
        HttpResult own = fx.redeem(app, code, pkce.verifier());
        assertThat(own.status()).as("the client it was issued to, after another's try: " + own).isEqualTo(200);
    }

    @Test
    void codeIsBoundToItsRedirectUri() {
        String two = twoRedirectClient();
        String code = fx.code(browser, two, user, pkce);
        HttpResult other = fx.redeem(two, code, CB2, pkce.verifier());
        assertThat(other.status()).as(other.toString()).isEqualTo(400);
        assertThat(other.json().get("error").asText()).isEqualTo("invalid_grant");
        // Given in the authorization request, so required at the token endpoint (RFC 6749 §4.1.3).
        HttpResult missing = fx.redeem(two, code, null, pkce.verifier());
        assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).isEqualTo("invalid_grant");
        // A fresh code of the same request, redeemed with the same redirect_uri, works.
        Pkce again = Pkce.create();
        HttpResult right = fx.redeem(two, fx.code(browser, two, user, again), CB, again.verifier());
        assertThat(right.status()).as(right.toString()).isEqualTo(200);
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        HttpResult r = fx.redeem(app, RandomTokens.newToken(), pkce.verifier());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void codeExpiresInSixtySeconds() throws Exception {
        String code = fx.code(browser, app, user, pkce);
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement("SELECT created_at, expires_at, used_at FROM auth_code WHERE code_hash = ?")) {
            st.setString(1, RandomTokens.lookupKey(code));
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("the code's row, found by its hash").isTrue();
                assertThat(rs.getLong("expires_at") - rs.getLong("created_at")).isEqualTo(60);
                assertThat(rs.getLong("created_at")).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
                rs.getLong("used_at");
                assertThat(rs.wasNull()).isTrue();
            }
        }
    }

    @Test
    void codeIsStoredOnlyAsItsHash() throws Exception {
        String code = fx.code(browser, app, user, pkce);
        List<String> leaks = new ArrayList<>();
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement("SELECT * FROM auth_code");
             ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            int rows = 0;
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    if (v != null && v.contains(code)) {
                        leaks.add(md.getColumnName(i));
                    }
                }
            }
            assertThat(rows).isPositive();
        }
        assertThat(leaks).as("columns of auth_code holding the code itself").isEmpty();
    }

    @Test
    void concurrentRedemptionsYieldExactlyOneToken() throws Exception {
        String code = fx.code(browser, app, user, pkce);
        List<Supplier<HttpResult>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(() -> fx.redeem(app, code, pkce.verifier()));
        }
        OAuthFlows.assertExactlyOneWinner(OAuthFlows.concurrently(calls));
    }

    /** A node with a single database connection redeems codes: no step holds a connection while it needs another. */
    @Test
    void aNodeWithOneConnectionRedeemsACodeForAUserItHasNotSeen() {
        try (TestServer lean = TestServer.start(server.dbUrl(), Map.of(Setting.DB_POOL_SIZE, "1"))) {
            String code = fx.code(browser, app, user, pkce);
            HttpResult redeemed = new UiFixtures(lean).redeem(app, code, pkce.verifier());
            assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        }
    }

    // ---- prompt, max_age, login_hint ----

    @Test
    void promptLoginForcesTheLoginPageEvenWithASession() {
        fx.code(browser, app, user, pkce);
        Page p = browser.get(UiFixtures.codeRequest(app, "s-pl", "n1", pkce, "prompt", "login"));
        assertThat(p.location()).as(p.toString()).startsWith("/auth/login?");
        Page login = browser.follow(p);
        assertThat(login.isLoginPage()).isTrue();
        // Signing in again finishes the request (no loop back to the login page).
        Page done = browser.followLocal(browser.submitLogin(login, user, PASSWORD));
        assertThat(done.location()).as(done.toString()).startsWith(CB + "?");
        assertThat(query(done.location())).containsEntry("state", "s-pl").containsKey("code");
    }

    @Test
    void maxAgeZeroForcesTheLoginPage() throws Exception {
        // OIDC Core §3.1.2.1 and its errata: max_age=0 is effectively prompt=login. Signing in at the
        // start of a second makes the elapsed time 0 s, the case where "elapsed > max_age" falls short.
        awaitStartOfASecond();
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(UiFixtures.codeRequest(app, "s-ma0", "n1", pkce, "max_age", "0"));
        assertThat(p.location()).as("max_age=0 right after signing in: " + p).startsWith("/auth/login?");
        Page done = browser.followLocal(browser.submitLogin(browser.follow(p), user, PASSWORD));
        assertThat(done.location()).as(done.toString()).startsWith(CB + "?");
        assertThat(query(done.location())).containsEntry("state", "s-ma0").containsKey("code");
    }

    @Test
    void maxAgeLongerThanTheSessionsAgeKeepsTheSession() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(UiFixtures.codeRequest(app, "s-ma", "n1", pkce, "max_age", "3600"));
        assertThat(p.location()).as(p.toString()).startsWith(CB + "?");
        Page bad = browser.get(UiFixtures.codeRequest(app, "s-mabad", "n1", pkce, "max_age", "-1"));
        assertRedirectError(bad, CB, false, "invalid_request", "s-mabad");
    }

    @Test
    void loginHintPrefillsTheLoginField() {
        String hint = user + "@example.com";
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(app, "s-hint", "n1", pkce, "login_hint", hint)));
        assertThat(login.isLoginPage()).as(login.toString()).isTrue();
        assertThat(login.input("login")).isEqualTo(hint);
    }

    // ---- implicit, hybrid, form_post ----

    @Test
    void implicitReturnsTheAccessTokenInTheFragmentAndNeverARefreshToken() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(url("/auth/authorize", "response_type", "token", "client_id", app, "redirect_uri", CB,
                "state", "s-imp", "scope", "profile"));
        assertThat(p.status()).isEqualTo(302);
        assertThat(p.location()).as(p.toString()).startsWith(CB + "#");
        Map<String, String> f = fragment(p.location());
        assertThat(f).containsKeys("access_token", "expires_in").containsEntry("token_type", "Bearer")
                .containsEntry("state", "s-imp").containsEntry("iss", fx.issuer())
                .doesNotContainKeys("refresh_token", "code", "id_token");
        assertThat(Long.parseLong(f.get("expires_in"))).isPositive();
        assertThat(fx.active(f.get("access_token"))).isTrue();
    }

    @Test
    void idTokenTokenCarriesAtHashAndNonce() throws Exception {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(url("/auth/authorize", "response_type", "id_token token", "client_id", app, "redirect_uri", CB,
                "state", "s-itt", "scope", "openid profile", "nonce", "n-itt"));
        assertThat(p.location()).as(p.toString()).startsWith(CB + "#");
        Map<String, String> f = fragment(p.location());
        assertThat(f).containsKeys("access_token", "id_token").containsEntry("state", "s-itt").doesNotContainKey("refresh_token");
        JWTClaimsSet c = fx.verifiedJwt(f.get("id_token")).getJWTClaimsSet();
        assertThat(c.getStringClaim("nonce")).isEqualTo("n-itt");
        assertThat(c.getStringClaim("at_hash")).isEqualTo(halfHash(f.get("access_token")));
        assertThat(c.getSubject()).isEqualTo(user);
        assertThat(c.getAudience()).containsExactly(app);
        assertThat(c.getIssuer()).isEqualTo(fx.issuer());
        assertThat(c.getLongClaim("auth_time")).isNotNull();
    }

    @Test
    void hybridCodeIdTokenCarriesCHash() throws Exception {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(url("/auth/authorize", "response_type", "code id_token", "client_id", app, "redirect_uri", CB,
                "state", "s-hy", "scope", "openid", "nonce", "n-hy", "code_challenge", pkce.challenge(),
                "code_challenge_method", "S256"));
        assertThat(p.location()).as(p.toString()).startsWith(CB + "#");
        Map<String, String> f = fragment(p.location());
        assertThat(f).containsKeys("code", "id_token").containsEntry("state", "s-hy").containsEntry("iss", fx.issuer())
                .doesNotContainKey("access_token");
        JWTClaimsSet c = fx.verifiedJwt(f.get("id_token")).getJWTClaimsSet();
        assertThat(c.getStringClaim("c_hash")).isEqualTo(halfHash(f.get("code")));
        assertThat(c.getStringClaim("nonce")).isEqualTo("n-hy");
        HttpResult r = fx.redeem(app, f.get("code"), pkce.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JWTClaimsSet fromToken = fx.verifiedJwt(r.json().get("id_token").asText()).getJWTClaimsSet();
        assertThat(fromToken.getSubject()).isEqualTo(c.getSubject());
        assertThat(fromToken.getStringClaim("nonce")).isEqualTo("n-hy");
    }

    @Test
    void replayOfAHybridCodeAlsoRevokesItsFrontChannelAccessToken() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(url("/auth/authorize", "response_type", "code token", "client_id", app, "redirect_uri", CB,
                "state", "s-ct", "scope", "profile", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"));
        Map<String, String> f = fragment(p.location());
        assertThat(f).as(p.toString()).containsKeys("code", "access_token").doesNotContainKey("refresh_token");
        assertThat(fx.active(f.get("access_token"))).isTrue();
        assertThat(fx.redeem(app, f.get("code"), pkce.verifier()).status()).isEqualTo(200);
        assertThat(fx.redeem(app, f.get("code"), pkce.verifier()).status()).isEqualTo(400);
        assertThat(fx.active(f.get("access_token"))).as("front-channel token of the replayed code").isFalse();
    }

    @Test
    void formPostAnswersWithAnAutoSubmittingFormUnderANonce() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page p = browser.get(UiFixtures.codeRequest(app, "s-fp\"><b>", "n1", pkce, "response_mode", "form_post"));
        assertThat(p.status()).as(p.toString()).isEqualTo(200);
        assertThat(p.location()).isNull();
        assertThat(p.header("Content-Type")).startsWith("text/html");
        assertThat(p.body()).contains("action=\"" + CB + "\"");
        Map<String, String> hidden = p.hiddenInputs();
        assertThat(hidden).containsKey("code").containsEntry("state", "s-fp\"><b>").containsEntry("iss", fx.issuer());
        assertThat(p.body()).doesNotContain("\"><b>");
        String csp = p.header("Content-Security-Policy");
        assertThat(csp).contains("frame-ancestors 'none'");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("script-src 'nonce-([^']+)'").matcher(csp);
        assertThat(m.find()).as(csp).isTrue();
        assertThat(p.body()).contains("<script nonce=\"" + m.group(1) + "\">");
        assertThat(p.header("Cache-Control")).isEqualTo("no-store");
        // And the code in the form works.
        assertThat(fx.redeem(app, hidden.get("code"), pkce.verifier()).status()).isEqualTo(200);
    }

    // ---- discovery ----

    @Test
    void discoveryDescribesTheBrowserFlows() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            HttpResult r = server.get(path, null);
            assertThat(r.status()).as(path).isEqualTo(200);
            JsonNode d = r.json();
            String iss = fx.issuer();
            assertThat(d.get("issuer").asText()).as(path).isEqualTo(iss);
            assertThat(d.get("authorization_endpoint").asText()).as(path).isEqualTo(iss + "/auth/authorize");
            assertThat(d.get("end_session_endpoint").asText()).as(path).isEqualTo(iss + "/auth/logout");
            assertThat(texts(d.get("response_types_supported"))).as(path).contains("code", "token", "id_token",
                    "id_token token", "code id_token", "code token", "code id_token token");
            assertThat(texts(d.get("response_modes_supported"))).as(path).contains("query", "fragment", "form_post");
            assertThat(texts(d.get("code_challenge_methods_supported"))).as(path).containsExactly("S256");
            assertThat(d.get("authorization_response_iss_parameter_supported").asBoolean()).as(path).isTrue();
            assertThat(texts(d.get("scopes_supported"))).as(path).contains("openid", "profile", "email");
            assertThat(texts(d.get("claims_supported"))).as(path).contains("sub", "name", "email", "auth_time", "nonce");
            assertThat(texts(d.get("id_token_signing_alg_values_supported"))).as(path).contains("RS256");
        }
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array).isNotNull();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    // ---- helpers ----

    private String twoRedirectClient() {
        return fx.client("two", "{\"secret\":\"" + SECRET + "\",\"first_party\":true,\"grant_types\":[\"code\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":[\"" + CB + "\",\"" + CB2 + "\"]}}}");
    }

    private void assertErrorPage(Page p) {
        assertErrorPage(p, "");
    }

    private void assertErrorPage(Page p, String what) {
        assertThat(p.status()).as(what + ": " + p).isEqualTo(400);
        assertThat(p.location()).as(what + ": never a redirect").isNull();
        assertThat(p.header("Content-Type")).as(what).startsWith("text/html");
        assertThat(p.body()).as(what).contains("Cannot continue");
    }

    /** A 302 back to {@code redirectUri} (query or fragment) with error, error_description, state and iss. */
    private Map<String, String> assertRedirectError(Page p, String redirectUri, boolean inFragment, String error, String state) {
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        String location = p.location();
        assertThat(location).as(p.toString()).startsWith(redirectUri + (inFragment ? "#" : "?"));
        Map<String, String> params = inFragment ? fragment(location) : query(location);
        assertThat(params).as(location).containsEntry("error", error).containsEntry("state", state)
                .containsEntry("iss", fx.issuer()).doesNotContainKeys("code", "access_token", "id_token");
        assertThat(params.get("error_description")).as(location).isNotBlank();
        return params;
    }

    /** OIDC Core §3.1.3.6: base64url of the left half of the SHA-256 of the ASCII value. */
    static String halfHash(String value) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    private static void awaitStartOfASecond() throws InterruptedException {
        while (System.currentTimeMillis() % 1000 > 50) {
            Thread.sleep(5);
        }
    }
}
