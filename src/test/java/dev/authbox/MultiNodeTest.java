package dev.authbox;

import static dev.authbox.support.OAuthFlows.assertError;
import static dev.authbox.support.OAuthFlows.assertExactlyOneWinner;
import static dev.authbox.support.OAuthFlows.ok;
import static dev.authbox.support.Propagation.describe;
import static dev.authbox.support.Propagation.lastSawOldState;
import static dev.authbox.support.TestServer.adminBasic;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.bearer;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.config.Setting;
import dev.authbox.support.BrowserSession;
import dev.authbox.support.BrowserSession.Pkce;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import dev.authbox.support.UiFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes on one PostgreSQL schema behave as one server (issue 6): tokens and keys are shared, a
 * change made through one node reaches the other's caches within one second (DESIGN §5), and a code
 * or refresh token is single use however its uses are spread over the nodes.
 */
class MultiNodeTest {
    private static final long POLL_MILLIS = 100;
    private static final long WITHIN_MILLIS = 1_000;
    private static final String SECRET = "multi-node-client-secret";
    private static final String PASSWORD = "multi-node-password";
    /** Concurrent uses of one code or refresh token on each node. */
    private static final int USES_PER_NODE = 25;

    static String url;
    static TestServer a;
    static TestServer b;
    static OAuthFlows onA;
    static OAuthFlows onB;

    @BeforeAll
    static void startTwoNodes() {
        url = TestDatabase.POSTGRES.freshUrl();
        a = TestServer.start(url, Map.of());
        b = TestServer.start(url, Map.of());
        onA = new OAuthFlows(a);
        onB = new OAuthFlows(b);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aTokenIssuedByOneNodeAuthenticatesOnTheOther() throws Exception {
        String adminToken = a.adminToken();
        assertThat(b.get("/Client?_count=1", bearer(adminToken)).status()).isEqualTo(200);

        String id = TestServer.uniqueId("multi-jwt");
        a.clientCredentialsClient(id, "s", "{\"token_format\":\"jwt\"}");
        String jwt = b.clientCredentialsToken(id, "s");
        assertThat(a.get("/Client", bearer(jwt)).status()).as("B's JWT authenticates on A").isEqualTo(403);
        assertThat(a.get("/Session/" + SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID(), adminBasic()).status()).isEqualTo(200);
    }

    @Test
    void bothNodesPublishTheSameKeys() throws Exception {
        JWKSet fromA = JWKSet.parse(a.get("/.well-known/jwks.json", null).body());
        JWKSet fromB = JWKSet.parse(b.get("/.well-known/jwks.json", null).body());
        assertThat(fromA.getKeys()).isNotEmpty();
        assertThat(fromB.getKeys()).isEqualTo(fromA.getKeys());
    }

    @Test
    void aSecretChangedOnOneNodeIsEnforcedOnTheOtherWithinASecond() throws Exception {
        String id = TestServer.uniqueId("multi-secret");
        a.clientCredentialsClient(id, "old-secret", "{}");
        assertThat(b.clientCredentialsToken(id, "old-secret")).isNotBlank(); // B now has the client and the secret cached
        assertThat(b.clientCredentialsToken(id, "old-secret")).isNotBlank();

        a.clientCredentialsClient(id, "new-secret", "{}");
        long took = lastSawOldState(POLL_MILLIS,
                () -> b.token(basic(id, "old-secret"), form("grant_type", "client_credentials")).status() == 401);
        assertThat(took).as("B last accepted the old secret %s", describe(took)).isLessThan(WITHIN_MILLIS);
        assertThat(b.token(basic(id, "new-secret"), form("grant_type", "client_credentials")).status()).isEqualTo(200);
        assertThat(b.token(basic(id, "old-secret"), form("grant_type", "client_credentials")).status()).isEqualTo(401);
    }

    @Test
    void aSessionEndedOnOneNodeIsRefusedByTheOtherWithinASecond() throws Exception {
        String token = a.adminToken();
        assertThat(b.get("/Client?_count=1", bearer(token)).status()).isEqualTo(200); // B has the session cached
        assertThat(a.delete("/Session/" + a.sessionIdOf(token), adminBasic()).status()).isEqualTo(200);
        long took = lastSawOldState(POLL_MILLIS, () -> b.get("/Client?_count=1", bearer(token)).status() == 401);
        assertThat(took).as("B last accepted the ended session's token %s", describe(took)).isLessThan(WITHIN_MILLIS);
    }

    /**
     * A node configured for another algorithm (a rolling change of AUTHBOX_SIGNING_ALG) adds a signing
     * key to the shared database. The other nodes must publish it and accept its tokens within a
     * second, as they must for any key rotation.
     */
    @Test
    void aSigningKeyAddedByAnotherNodeIsPublishedAndAcceptedWithinASecond() throws Exception {
        try (TestServer c = TestServer.start(url, Map.of(Setting.SIGNING_ALG, "ES256"))) {
            String id = TestServer.uniqueId("multi-es");
            c.clientCredentialsClient(id, "s", "{\"token_format\":\"jwt\"}");
            String jwt = c.clientCredentialsToken(id, "s");
            String kid = SignedJWT.parse(jwt).getHeader().getKeyID();
            assertThat(c.get("/Client", bearer(jwt)).status()).as("on the issuing node").isEqualTo(403);

            long published = lastSawOldState(POLL_MILLIS, () -> a.get("/.well-known/jwks.json", null).body().contains(kid));
            assertThat(published).as("A last published the key set without the new key %s", describe(published)).isLessThan(WITHIN_MILLIS);
            long accepted = lastSawOldState(POLL_MILLIS, () -> a.get("/Client", bearer(jwt)).status() == 403);
            assertThat(accepted).as("A last refused the new key's token %s", describe(accepted)).isLessThan(WITHIN_MILLIS);
        }
    }

    // ---- user tokens across nodes ----

    /**
     * A user's token from A is introspected and accepted at userinfo on B; revoked on B, it is
     * refused by A once A's cached lookup has aged out. A refresh token revoked on B stops
     * refreshing on A at once (refresh tokens are never cached).
     */
    @ParameterizedTest
    @ValueSource(strings = {"opaque", "jwt"})
    void aUserTokenFromOneNodeWorksOnTheOtherUntilRevokedThere(String format) throws Exception {
        Login login = newLogin("multi-user-" + format, "{\"refresh_token\":true,\"token_format\":\"" + format + "\"}");
        String client = login.client();
        String user = login.user();
        JsonNode tokens = onA.passwordTokens(client, SECRET, user, PASSWORD, "scope", "openid profile email");
        String access = tokens.get("access_token").asText();
        assertThat(access.indexOf('.') >= 0).as("a JWT access token for token_format %s", format).isEqualTo(format.equals("jwt"));

        JsonNode introspected = onB.introspection(access);
        assertThat(introspected.get("active").asBoolean()).as("on B: %s", introspected).isTrue();
        assertThat(introspected.get("sub").asText()).isEqualTo(user);
        assertThat(introspected.get("client_id").asText()).isEqualTo(client);
        assertThat(introspected.get("scope").asText().split(" ")).containsExactlyInAnyOrder("openid", "profile", "email");
        JsonNode claims = ok(onB.userinfo(access));
        assertThat(claims.get("sub").asText()).isEqualTo(user);
        assertThat(claims.get("email").asText()).isEqualTo(OAuthFlows.emailOf(user));
        assertThat(claims.get("given_name").asText()).isEqualTo(OAuthFlows.GIVEN_NAME);
        assertThat(claims.get("family_name").asText()).isEqualTo(OAuthFlows.FAMILY_NAME);
        assertThat(claims.get("name").asText()).isEqualTo(OAuthFlows.NAME);

        // The refresh token: another grant of the same user, refreshed on A, revoked on B.
        String first = onA.passwordTokens(client, SECRET, user, PASSWORD).get("refresh_token").asText();
        JsonNode rotated = ok(onA.refresh(client, SECRET, first));
        String refresh = rotated.get("refresh_token").asText();
        assertThat(onB.introspection(refresh).get("active").asBoolean()).as("A's refresh token on B").isTrue();
        assertThat(onB.revoke(client, SECRET, refresh, "token_type_hint", "refresh_token").status()).isEqualTo(200);
        assertError(onA.refresh(client, SECRET, refresh), 400, "invalid_grant");
        assertThat(onA.introspection(rotated.get("access_token").asText()).get("active").asBoolean())
                .as("on A, the access token of the family revoked on B").isFalse();

        // The access token: A has it cached as active when B revokes it.
        assertThat(onA.userinfo(access).status()).isEqualTo(200);
        assertThat(onB.revoke(client, SECRET, access).status()).isEqualTo(200);
        assertThat(onB.introspection(access).get("active").asBoolean()).as("on B, which revoked it").isFalse();
        long took = lastSawOldState(POLL_MILLIS, () -> onA.userinfo(access).status() == 401);
        assertThat(took).as("A last accepted the token revoked on B %s", describe(took)).isLessThan(WITHIN_MILLIS);
        assertThat(onA.introspection(access).get("active").asBoolean()).as("on A").isFalse();
    }

    // ---- changes of users and clients ----

    @Test
    void aPasswordChangedOnOneNodeIsEnforcedOnTheOtherWithinASecond() throws Exception {
        String client = TestServer.uniqueId("multi-pw");
        onA.passwordClient(client, SECRET, "{}");
        String user = TestServer.uniqueId("multi-pw-user");
        onA.user(user, "old-" + PASSWORD);
        onB.passwordTokens(client, SECRET, user, "old-" + PASSWORD); // B has the user cached

        onA.user(user, "new-" + PASSWORD);
        long took = lastSawOldState(POLL_MILLIS, () -> onB.password(client, SECRET, user, "old-" + PASSWORD).status() != 200);
        assertThat(took).as("B last accepted the old password %s", describe(took)).isLessThan(WITHIN_MILLIS);
        assertError(onB.password(client, SECRET, user, "old-" + PASSWORD), 400, "invalid_grant");
        assertThat(onB.password(client, SECRET, user, "new-" + PASSWORD).status()).as("the new password on B").isEqualTo(200);
    }

    @Test
    void aUserDeactivatedOnOneNodeCanNeitherLogInNorRefreshOnTheOtherWithinASecond() throws Exception {
        Login login = newLogin("multi-inactive", "{\"refresh_token\":true}");
        String client = login.client();
        String user = login.user();
        String[] refresh = {onB.passwordTokens(client, SECRET, user, PASSWORD).get("refresh_token").asText()}; // B has the user cached

        onA.setInactive(user, PASSWORD, true);
        // Both calls every poll; a refresh that still succeeds rotates, and the next poll uses its successor.
        long took = lastSawOldState(POLL_MILLIS, () -> {
            boolean loginRefused = onB.password(client, SECRET, user, PASSWORD).status() != 200;
            HttpResult r = onB.refresh(client, SECRET, refresh[0]);
            if (r.status() == 200) {
                refresh[0] = r.json().get("refresh_token").asText();
            }
            return loginRefused && r.status() != 200;
        });
        assertThat(took).as("B last let the inactive user log in or refresh %s", describe(took))
                .isLessThan(WITHIN_MILLIS);
        assertError(onB.password(client, SECRET, user, PASSWORD), 400, "invalid_grant");
        assertError(onB.refresh(client, SECRET, refresh[0]), 400, "invalid_grant");
    }

    @Test
    void aClientChangedOnOneNodeIsEnforcedOnTheOtherWithinASecond() throws Exception {
        Login login = newLogin("multi-client", "{}", "client_credentials");
        String client = login.client();
        String user = login.user();
        assertThat(onB.password(client, SECRET, user, PASSWORD).status()).isEqualTo(200); // B has the client cached
        assertThat(b.clientCredentialsToken(client, SECRET)).as("opaque by default").doesNotContain(".");

        // No more password grant, and JWTs for client_credentials.
        a.clientCredentialsClient(client, SECRET, "{\"token_format\":\"jwt\"}");
        long took = lastSawOldState(POLL_MILLIS, () -> onB.password(client, SECRET, user, PASSWORD).status() != 200
                & b.clientCredentialsToken(client, SECRET).indexOf('.') >= 0);
        assertThat(took).as("B last applied the client's old settings %s", describe(took)).isLessThan(WITHIN_MILLIS);
        assertError(onB.password(client, SECRET, user, PASSWORD), 400, "unauthorized_client");
        assertThat(SignedJWT.parse(b.clientCredentialsToken(client, SECRET)).getJWTClaimsSet().getSubject()).isEqualTo(client);
    }

    // ---- single use across nodes ----

    /** The replay rule fires for the losers: what the winning redemption issued is revoked too. */
    @Test
    void ofFiftyConcurrentRedemptionsOfOneCodeOnTwoNodesExactlyOneSucceeds() throws Exception {
        UiFixtures fa = new UiFixtures(a);
        UiFixtures fb = new UiFixtures(b);
        String client = fa.confidentialClient(true);
        String user = fa.user();
        Pkce pkce = Pkce.create();
        String code = fa.code(new BrowserSession(a), client, user, pkce);

        JsonNode winner = assertExactlyOneWinner(spreadOverBothNodes(
                () -> fa.redeem(client, code, pkce.verifier()), () -> fb.redeem(client, code, pkce.verifier())));
        String access = winner.get("access_token").asText();
        assertThat(fa.active(access)).as("the winner's access token on A").isFalse();
        assertThat(fb.active(access)).as("the winner's access token on B").isFalse();
        assertError(onA.refresh(client, UiFixtures.SECRET, winner.get("refresh_token").asText()), 400, "invalid_grant");
    }

    /** The reuse rule fires for the losers: the winner's new tokens are revoked with the rest of the family. */
    @Test
    void ofFiftyConcurrentUsesOfOneRefreshTokenOnTwoNodesExactlyOneSucceeds() throws Exception {
        Login login = newLogin("multi-rt", "{\"refresh_token\":true}");
        String client = login.client();
        String user = login.user();
        for (int round = 0; round < 3; round++) {
            JsonNode first = onA.passwordTokens(client, SECRET, user, PASSWORD);
            String refresh = first.get("refresh_token").asText();

            JsonNode winner = assertExactlyOneWinner(spreadOverBothNodes(
                    () -> onA.refresh(client, SECRET, refresh), () -> onB.refresh(client, SECRET, refresh)));
            for (OAuthFlows node : List.of(onA, onB)) {
                assertError(node.refresh(client, SECRET, winner.get("refresh_token").asText()), 400, "invalid_grant");
                assertThat(node.introspection(winner.get("access_token").asText()).get("active").asBoolean())
                        .as("the winner's access token on %s", node == onA ? "A" : "B").isFalse();
                assertThat(node.introspection(first.get("access_token").asText()).get("active").asBoolean()).isFalse();
            }
        }
    }

    /** A new password client and a new user (password {@link #PASSWORD}), both made through A. */
    private record Login(String client, String user) {
    }

    private Login newLogin(String name, String passwordSettings, String... moreGrantTypes) {
        String client = TestServer.uniqueId(name);
        onA.passwordClient(client, SECRET, passwordSettings, moreGrantTypes);
        String user = TestServer.uniqueId(name + "-user");
        onA.user(user, PASSWORD);
        return new Login(client, user);
    }

    /** {@link #USES_PER_NODE} calls on each node, interleaved and released together; their results. */
    private static List<HttpResult> spreadOverBothNodes(Supplier<HttpResult> onNodeA, Supplier<HttpResult> onNodeB) throws Exception {
        List<Supplier<HttpResult>> calls = new ArrayList<>();
        for (int i = 0; i < USES_PER_NODE; i++) {
            calls.add(onNodeA);
            calls.add(onNodeB);
        }
        return OAuthFlows.concurrently(calls);
    }
}
