package dev.authbox.oauth;

import static dev.authbox.support.OAuthFlows.assertError;
import static dev.authbox.support.OAuthFlows.emailOf;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resource Owner Password grant (issue 3). Failed logins here stay few: the shared node throttles
 * by client address too, and every test request comes from 127.0.0.1.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class PasswordGrantTest {
    @Parameter
    TestDatabase db;

    TestServer server;
    OAuthFlows flows;
    String client;
    final String secret = "s3cret-" + System.nanoTime();
    String user;
    final String password = "pw-" + System.nanoTime();

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        flows = new OAuthFlows(server);
        client = TestServer.uniqueId("pw");
        flows.passwordClient(client, secret, "{\"refresh_token\":true,\"access_token_expiration\":600}");
        user = TestServer.uniqueId("alice");
        flows.user(user, password);
    }

    @Test
    void loginByIdReturnsTokensAndTheUserWithoutItsPassword() throws Exception {
        HttpResult r = flows.password(client, secret, user, password, "scope", "profile");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = r.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(600);
        assertThat(body.get("access_token").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(body.get("refresh_token").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(body.get("scope").asText()).isEqualTo("profile");
        assertThat(body.has("id_token")).as("no id_token without openid").isFalse();

        JsonNode userinfo = body.get("userinfo");
        assertThat(userinfo.get("resourceType").asText()).isEqualTo("User");
        assertThat(userinfo.get("id").asText()).isEqualTo(user);
        assertThat(userinfo.get("email").asText()).isEqualTo(emailOf(user));
        assertThat(userinfo.at("/data/given_name").asText()).isEqualTo(OAuthFlows.GIVEN_NAME);
        assertThat(userinfo.has("password")).isFalse();
        assertThat(r.body()).doesNotContain(password).doesNotContainIgnoringCase("argon2").doesNotContain("password");

        assertThat(flows.sessionCount(user)).isEqualTo(1);
    }

    @Test
    void loginByEmailIgnoresItsCase() {
        for (String login : new String[] {emailOf(user), emailOf(user).toLowerCase(Locale.ROOT), emailOf(user).toUpperCase(Locale.ROOT)}) {
            HttpResult r = flows.password(client, secret, login, password);
            assertThat(r.status()).as(login + " -> " + r).isEqualTo(200);
            assertThat(r.json().at("/userinfo/id").asText()).isEqualTo(user);
        }
    }

    @Test
    void aidboxStyleJsonBodyWorks() {
        HttpResult r = server.send("POST", "/auth/token", TestServer.headers("Content-Type", "application/json"),
                "{\"grant_type\":\"password\",\"client_id\":\"" + client + "\",\"client_secret\":\"" + secret
                        + "\",\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().at("/userinfo/id").asText()).isEqualTo(user);
    }

    @Test
    void refreshTokenOnlyWhenEnabledForThePasswordGrant() {
        String off = TestServer.uniqueId("pwnort");
        flows.passwordClient(off, secret, "{\"refresh_token\":false}");
        String unset = TestServer.uniqueId("pwunset");
        flows.passwordClient(unset, secret, "{}");
        for (String c : new String[] {off, unset}) {
            JsonNode body = flows.passwordTokens(c, secret, user, password);
            assertThat(body.get("access_token").asText()).isNotBlank();
            assertThat(body.has("refresh_token")).as(c).isFalse();
        }
        assertThat(flows.passwordTokens(client, secret, user, password).has("refresh_token")).isTrue();
    }

    @Test
    void openidScopeGivesAnIdTokenWithTheUsersClaims() throws Exception {
        long before = Instant.now().getEpochSecond();
        JsonNode body = flows.passwordTokens(client, secret, user, password, "scope", "openid profile email");
        long after = Instant.now().getEpochSecond();
        JWTClaimsSet id = flows.verifiedClaims(body.get("id_token").asText());
        assertThat(id.getIssuer()).isEqualTo(flows.issuer());
        assertThat(id.getSubject()).isEqualTo(user);
        assertThat(id.getAudience()).containsExactly(client);
        long iat = id.getIssueTime().toInstant().getEpochSecond();
        assertThat(iat).isBetween(before - 1, after + 1);
        assertThat(id.getExpirationTime().toInstant().getEpochSecond()).isGreaterThan(iat);
        assertThat(id.getLongClaim("auth_time")).isBetween(before - 1, after + 1);
        assertThat(id.getStringClaim("name")).isEqualTo(OAuthFlows.NAME);
        assertThat(id.getStringClaim("given_name")).isEqualTo(OAuthFlows.GIVEN_NAME);
        assertThat(id.getStringClaim("family_name")).isEqualTo(OAuthFlows.FAMILY_NAME);
        assertThat(id.getStringClaim("email")).isEqualToIgnoringCase(emailOf(user));
        assertThat(id.getClaims()).doesNotContainKeys("password", "password_hash");
    }

    @Test
    void idTokenCarriesOnlyTheClaimsOfTheGrantedScopes() throws Exception {
        JWTClaimsSet openidOnly = flows.verifiedClaims(
                flows.passwordTokens(client, secret, user, password, "scope", "openid").get("id_token").asText());
        assertThat(openidOnly.getSubject()).isEqualTo(user);
        assertThat(openidOnly.getClaims()).doesNotContainKeys("name", "given_name", "family_name", "email");

        JWTClaimsSet emailOnly = flows.verifiedClaims(
                flows.passwordTokens(client, secret, user, password, "scope", "openid email").get("id_token").asText());
        assertThat(emailOnly.getStringClaim("email")).isEqualToIgnoringCase(emailOf(user));
        assertThat(emailOnly.getClaims()).doesNotContainKeys("name", "given_name", "family_name");

        JWTClaimsSet profileOnly = flows.verifiedClaims(
                flows.passwordTokens(client, secret, user, password, "scope", "openid profile").get("id_token").asText());
        assertThat(profileOnly.getStringClaim("given_name")).isEqualTo(OAuthFlows.GIVEN_NAME);
        assertThat(profileOnly.getClaims()).doesNotContainKeys("email");
    }

    @Test
    void inactiveUserIsRefusedAndGetsNoSession() throws Exception {
        String sleeper = TestServer.uniqueId("inactive");
        flows.user(sleeper, password);
        flows.setInactive(sleeper, password, true);
        HttpResult r = flows.password(client, secret, sleeper, password);
        assertError(r, 400, "invalid_grant");
        assertThat(r.json().has("access_token")).isFalse();
        assertThat(flows.sessionCount(sleeper)).isZero();
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        HttpResult wrongPassword = flows.password(client, secret, user, "not-" + password);
        HttpResult unknownUser = flows.password(client, secret, TestServer.uniqueId("nobody"), password);
        assertError(wrongPassword, 400, "invalid_grant");
        assertThat(unknownUser.status()).isEqualTo(wrongPassword.status());
        assertThat(unknownUser.json()).isEqualTo(wrongPassword.json());
        assertThat(unknownUser.header("WWW-Authenticate")).isEqualTo(wrongPassword.header("WWW-Authenticate"));
    }

    @Test
    void clientWithoutThePasswordGrantIsUnauthorizedClient() {
        String cc = TestServer.uniqueId("ccnopw");
        server.clientCredentialsClient(cc, secret, "{}");
        assertError(flows.password(cc, secret, user, password), 400, "unauthorized_client");
    }

    @Test
    void publicClientIsRefusedWhenSecretIsRequired() {
        String pub = TestServer.uniqueId("pubreq");
        flows.passwordClient(pub, null, "{\"secret_required\":true}");
        HttpResult r = flows.password(pub, null, user, password);
        assertError(r, 401, "invalid_client");
        assertThat(r.json().has("access_token")).isFalse();
    }

    @Test
    void publicClientMayUseItWhenSecretIsNotRequired() {
        String pub = TestServer.uniqueId("pubok");
        flows.passwordClient(pub, null, "{\"secret_required\":false}");
        JsonNode body = flows.passwordTokens(pub, null, user, password);
        assertThat(body.get("access_token").asText()).isNotBlank();
        assertThat(body.at("/userinfo/id").asText()).isEqualTo(user);
    }

    @Test
    void clientWithASecretMustPresentIt() {
        assertError(flows.password(client, null, user, password), 401, "invalid_client");
        HttpResult wrong = flows.password(client, "wrong-" + secret, user, password);
        assertError(wrong, 401, "invalid_client");
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic");
        HttpResult inBody = server.token(null, form("grant_type", "password", "username", user, "password", password,
                "client_id", client, "client_secret", secret));
        assertThat(inBody.status()).as(inBody.toString()).isEqualTo(200);
    }

    @Test
    void missingUsernameOrPasswordIsInvalidRequest() {
        assertError(server.token(basic(client, secret), form("grant_type", "password", "password", password)),
                400, "invalid_request");
        assertError(server.token(basic(client, secret), form("grant_type", "password", "username", user)),
                400, "invalid_request");
        assertError(server.token(basic(client, secret), form("grant_type", "password", "username", "", "password", password)),
                400, "invalid_request");
    }

    /**
     * An unknown user must cost the same Argon2id check as a wrong password. With a costly hash the
     * check dominates the response time, so skipping it for unknown users shows as a large ratio.
     */
    @Test
    void unknownUserTakesAsLongAsWrongPassword() {
        try (TestServer slow = TestServer.start(db.freshUrl(), Map.of(
                Setting.ARGON2_MEMORY_KIB, "8192", Setting.ARGON2_ITERATIONS, "1",
                Setting.LOGIN_MAX_FAILURES, "1000"))) {
            OAuthFlows f = new OAuthFlows(slow);
            f.passwordClient(client, secret, "{}");
            int n = 5;
            String[] users = new String[n];
            for (int i = 0; i < n; i++) {
                users[i] = TestServer.uniqueId("timed");
                f.user(users[i], password);
            }
            // warm-up: JIT, connection pool, client secret cache
            assertError(f.password(client, secret, users[0], "warm-up"), 400, "invalid_grant");
            assertError(f.password(client, secret, "warm-up-" + users[0], password), 400, "invalid_grant");

            // Medians of many pairs: one stall of a loaded machine moves a mean of a few but not a median.
            int pairs = 15;
            long[] unknown = new long[pairs];
            long[] wrong = new long[pairs];
            for (int i = 0; i < pairs; i++) {
                String user = users[i % n];
                long t0 = System.nanoTime();
                assertError(f.password(client, secret, "no-" + i + "-" + user, password), 400, "invalid_grant");
                long t1 = System.nanoTime();
                assertError(f.password(client, secret, user, "not-" + password), 400, "invalid_grant");
                long t2 = System.nanoTime();
                unknown[i] = t1 - t0;
                wrong[i] = t2 - t1;
            }
            long unknownMedian = median(unknown);
            long wrongMedian = median(wrong);
            double ratio = (double) Math.max(unknownMedian, wrongMedian) / Math.min(unknownMedian, wrongMedian);
            assertThat(ratio).as("median unknown-user %.1f ms vs wrong-password %.1f ms",
                    unknownMedian / 1e6, wrongMedian / 1e6).isLessThan(3.0);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
