package dev.authbox.oauth;

import static dev.authbox.support.OAuthFlows.assertError;
import static dev.authbox.support.OAuthFlows.assertExactlyOneWinner;
import static dev.authbox.support.OAuthFlows.ok;
import static dev.authbox.support.TestServer.adminBasic;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.config.Setting;
import dev.authbox.security.RandomTokens;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The refresh_token grant: rotation, reuse detection, expiry, scope, client binding, single use under
 * concurrency (on two nodes: MultiNodeTest).
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class RefreshTokenTest {
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
        client = TestServer.uniqueId("rt");
        flows.passwordClient(client, secret, "{\"refresh_token\":true}");
        user = TestServer.uniqueId("bob");
        flows.user(user, password);
    }

    private JsonNode login(String... more) {
        return flows.passwordTokens(client, secret, user, password, more);
    }

    @Test
    void everyRefreshRotatesAndTheOldTokenIsRefused() {
        JsonNode first = login("scope", "profile");
        JsonNode second = ok(flows.refresh(client, secret, first.get("refresh_token").asText()));
        assertThat(second.get("access_token").asText()).isNotBlank().isNotEqualTo(first.get("access_token").asText());
        assertThat(second.get("refresh_token").asText()).isNotBlank().isNotEqualTo(first.get("refresh_token").asText());
        assertThat(second.get("scope").asText()).isEqualTo("profile");
        assertThat(flows.userinfo(second.get("access_token").asText()).status()).isEqualTo(200);

        JsonNode third = ok(flows.refresh(client, secret, second.get("refresh_token").asText()));
        assertThat(third.get("refresh_token").asText())
                .isNotIn(first.get("refresh_token").asText(), second.get("refresh_token").asText());

        assertError(flows.refresh(client, secret, second.get("refresh_token").asText()), 400, "invalid_grant");
        assertError(flows.refresh(client, secret, "never-issued-" + System.nanoTime()), 400, "invalid_grant");
        assertError(server.token(basic(client, secret), form("grant_type", "refresh_token")), 400, "invalid_request");
    }

    @Test
    void reusingARotatedTokenRevokesTheWholeFamily() {
        for (String format : new String[] {"opaque", "jwt"}) {
            String c = TestServer.uniqueId("rtfam-" + format);
            flows.passwordClient(c, secret, "{\"refresh_token\":true,\"token_format\":\"" + format + "\"}");
            JsonNode t0 = flows.passwordTokens(c, secret, user, password, "scope", "openid profile");
            JsonNode t1 = ok(flows.refresh(c, secret, t0.get("refresh_token").asText()));
            JsonNode t2 = ok(flows.refresh(c, secret, t1.get("refresh_token").asText()));
            String newestAccess = t2.get("access_token").asText();
            assertThat(flows.introspection(newestAccess).get("active").asBoolean()).isTrue();
            assertThat(flows.userinfo(newestAccess).status()).isEqualTo(200);

            HttpResult reuse = flows.refresh(c, secret, t0.get("refresh_token").asText());
            assertError(reuse, 400, "invalid_grant");

            assertError(flows.refresh(c, secret, t2.get("refresh_token").asText()), 400, "invalid_grant");
            for (JsonNode t : List.of(t0, t1, t2)) {
                assertThat(flows.introspection(t.get("access_token").asText()).get("active").asBoolean())
                        .as(format + " access token of the family").isFalse();
            }
            assertThat(flows.introspection(t2.get("refresh_token").asText()).get("active").asBoolean()).isFalse();
            HttpResult userinfo = flows.userinfo(newestAccess);
            assertThat(userinfo.status()).as(format + " userinfo " + userinfo).isEqualTo(401);
        }
    }

    /** Expiry counts from issue or from last use; absent means none. Second granularity, hence the margins. */
    @Test
    void refreshTokensExpireAfterTheirLifetimeSinceIssueOrLastUse() throws Exception {
        String short1s = TestServer.uniqueId("rt1s");
        flows.passwordClient(short1s, secret, "{\"refresh_token\":true,\"refresh_token_expiration\":1}");
        String sliding2s = TestServer.uniqueId("rt2s");
        flows.passwordClient(sliding2s, secret, "{\"refresh_token\":true,\"refresh_token_expiration\":2}");

        long t0 = OAuthFlows.startOfASecond();
        String expiring = flows.passwordTokens(short1s, secret, user, password).get("refresh_token").asText();
        String sliding = flows.passwordTokens(sliding2s, secret, user, password).get("refresh_token").asText();
        String forever = login().get("refresh_token").asText();

        // issued in second S (expiring at S+1 and S+2); used in second S+1; the successor lives until S+3
        OAuthFlows.sleepUntil(t0 + 1250);
        String slid = ok(flows.refresh(sliding2s, secret, sliding)).get("refresh_token").asText();

        OAuthFlows.sleepUntil(t0 + 2100);
        HttpResult sinceLastUse = flows.refresh(sliding2s, secret, slid);
        assertThat(sinceLastUse.status()).as("2 s from the last use, not from the first issue: " + sinceLastUse)
                .isEqualTo(200);
        assertError(flows.refresh(short1s, secret, expiring), 400, "invalid_grant");
        assertThat(flows.refresh(client, secret, forever).status()).as("no expiration configured").isEqualTo(200);
    }

    @Test
    void scopeMayBeNarrowedButNeverWidened() {
        JsonNode first = login("scope", "openid profile email");
        String refresh = first.get("refresh_token").asText();

        HttpResult wider = flows.refresh(client, secret, refresh, "scope", "profile admin");
        assertError(wider, 400, "invalid_scope");
        JsonNode narrowed = ok(flows.refresh(client, secret, refresh, "scope", "profile"));
        assertThat(narrowed.get("scope").asText()).as("the refused widening left the token usable").isEqualTo("profile");
        assertThat(flows.introspection(narrowed.get("access_token").asText()).get("scope").asText()).isEqualTo("profile");
        JsonNode claims = ok(flows.userinfo(narrowed.get("access_token").asText()));
        assertThat(claims.has("given_name")).isTrue();
        assertThat(claims.has("email")).isFalse();

        // RFC 6749 §6: an omitted scope means the scope originally granted, not the narrowed one.
        JsonNode again = ok(flows.refresh(client, secret, narrowed.get("refresh_token").asText()));
        assertThat(scopes(again)).containsExactlyInAnyOrder("openid", "profile", "email");
    }

    @Test
    void anotherClientCannotUseTheTokenAndDoesNotConsumeIt() {
        String thief = TestServer.uniqueId("rtthief");
        flows.passwordClient(thief, secret, "{\"refresh_token\":true}");
        String refresh = login().get("refresh_token").asText();
        assertError(flows.refresh(thief, secret, refresh), 400, "invalid_grant");
        assertThat(flows.refresh(client, secret, refresh).status()).as("still usable by its own client").isEqualTo(200);
    }

    @Test
    void anInactiveUsersTokensStopRefreshing() {
        String refresh = login().get("refresh_token").asText();
        flows.setInactive(user, password, true);
        assertError(flows.refresh(client, secret, refresh), 400, "invalid_grant");
        assertError(flows.refresh(client, secret, refresh), 400, "invalid_grant");
        flows.setInactive(user, password, false);
        assertThat(flows.refresh(client, secret, refresh).status())
                .as("the refusals neither used the token nor took it for a reuse").isEqualTo(200);
    }

    /**
     * A node from before the inactive column writes the User without it: the refresh still reads the
     * User itself and refuses, ending the family it just rotated.
     */
    @Test
    void aUserDeactivatedWithoutTheColumnIsStillRefused() throws Exception {
        String stale = TestServer.uniqueId("stale");
        flows.user(stale, password);
        JsonNode tokens = flows.passwordTokens(client, secret, stale, password);
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement(
                     "UPDATE app_user SET resource = REPLACE(resource, '\"inactive\":false', '\"inactive\":true') WHERE id = ?")) {
            st.setString(1, stale);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        assertError(flows.refresh(client, secret, tokens.get("refresh_token").asText()), 400, "invalid_grant");
        assertThat(flows.introspection(tokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
    }

    /** Tokens issued before bearer values carried their issue time are stored under the hash of the whole value. */
    @Test
    void tokensIssuedBeforeTimePrefixesStillWork() throws Exception {
        JsonNode tokens = login();
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();
        assertThat(access).matches("[0-9a-f]{12}[A-Za-z0-9_-]{43}");
        assertThat(refresh).matches("[0-9a-f]{12}[A-Za-z0-9_-]{43}");
        String legacyAccess = RandomTokens.newToken();
        String legacyRefresh = RandomTokens.newToken();
        try (Connection c = server.connect();
             PreparedStatement a = c.prepareStatement("UPDATE auth_session SET token_hash = ? WHERE token_hash = ?");
             PreparedStatement r = c.prepareStatement("UPDATE refresh_token SET token_hash = ? WHERE token_hash = ?")) {
            a.setString(1, RandomTokens.sha256(legacyAccess));
            a.setString(2, RandomTokens.lookupKey(access));
            assertThat(a.executeUpdate()).isEqualTo(1);
            r.setString(1, RandomTokens.sha256(legacyRefresh));
            r.setString(2, RandomTokens.lookupKey(refresh));
            assertThat(r.executeUpdate()).isEqualTo(1);
        }
        assertThat(flows.introspection(legacyAccess).get("active").asBoolean()).isTrue();
        assertThat(flows.introspection(legacyRefresh).get("active").asBoolean()).isTrue();
        JsonNode next = ok(flows.refresh(client, secret, legacyRefresh));
        assertThat(next.get("refresh_token").asText()).matches("[0-9a-f]{12}[A-Za-z0-9_-]{43}");
        assertError(flows.refresh(client, secret, legacyRefresh), 400, "invalid_grant");
    }

    @Test
    void aDeletedUsersTokensStopRefreshing() {
        String gone = TestServer.uniqueId("gone");
        flows.user(gone, password);
        String refresh = flows.passwordTokens(client, secret, gone, password).get("refresh_token").asText();
        assertThat(server.delete("/User/" + gone, adminBasic()).status()).isEqualTo(200);
        assertError(flows.refresh(client, secret, refresh), 400, "invalid_grant");
    }

    /** A refresh issues under the settings of the grant its family began with, whichever grants the client has. */
    @Test
    void eachGrantsRefreshUsesThatGrantsSettings() throws Exception {
        String both = TestServer.uniqueId("rt-two-grants");
        server.put("/Client/" + both, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"password\",\"client_credentials\"],"
                + "\"auth\":{\"password\":{\"refresh_token\":true,\"access_token_expiration\":600},"
                + "\"client_credentials\":{\"refresh_token\":true,\"token_format\":\"jwt\",\"access_token_expiration\":120}}}");
        JsonNode asUser = ok(flows.refresh(both, secret,
                flows.passwordTokens(both, secret, user, password).get("refresh_token").asText()));
        assertThat(asUser.get("expires_in").asLong()).isEqualTo(600);
        assertThat(asUser.get("access_token").asText()).as("opaque").doesNotContain(".");
        assertThat(flows.introspection(asUser.get("access_token").asText()).get("sub").asText()).isEqualTo(user);

        JsonNode asClient = ok(flows.refresh(both, secret,
                ok(server.token(basic(both, secret), form("grant_type", "client_credentials"))).get("refresh_token").asText()));
        assertThat(asClient.get("expires_in").asLong()).isEqualTo(120);
        assertThat(flows.verifiedClaims(asClient.get("access_token").asText()).getSubject()).isEqualTo(both);
    }

    @Test
    void aGrantWhoseRefreshTokensWereTurnedOffRefusesThem() {
        String c = TestServer.uniqueId("rt-off");
        flows.passwordClient(c, secret, "{\"refresh_token\":true}");
        String refresh = flows.passwordTokens(c, secret, user, password).get("refresh_token").asText();
        flows.passwordClient(c, secret, "{\"refresh_token\":false}", "refresh_token");
        assertError(flows.refresh(c, secret, refresh), 400, "invalid_grant");
        flows.passwordClient(c, secret, "{\"refresh_token\":true}");
        assertThat(flows.refresh(c, secret, refresh).status()).as("the refusal left the token as it was").isEqualTo(200);
    }

    @Test
    void ofTwentyConcurrentRefreshesExactlyOneSucceeds() throws Exception {
        for (int round = 0; round < 3; round++) {
            String refresh = login().get("refresh_token").asText();
            List<Supplier<HttpResult>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> flows.refresh(client, secret, refresh));
            }
            assertExactlyOneWinner(OAuthFlows.concurrently(calls));
        }
    }

    /**
     * A node that has never seen the user looks it up while the refresh holds the token's row: that
     * lookup must not wait for a second connection (with one, it would wait forever).
     */
    @Test
    void aNodeWithOneConnectionRefreshesForAUserItHasNotSeen() {
        try (TestServer lean = TestServer.start(server.dbUrl(), Map.of(Setting.DB_POOL_SIZE, "1"))) {
            OAuthFlows onLean = new OAuthFlows(lean);
            String refresh = login("scope", "openid profile").get("refresh_token").asText();
            JsonNode narrowed = ok(onLean.refresh(client, secret, refresh, "scope", "profile"));
            assertThat(narrowed.get("scope").asText()).isEqualTo("profile");
            assertThat(onLean.refresh(client, secret, narrowed.get("refresh_token").asText()).status()).isEqualTo(200);
        }
    }

    @Test
    void clientCredentialsRefreshTokensWorkToo() {
        String cc = TestServer.uniqueId("ccrefresh");
        server.clientCredentialsClient(cc, secret, "{\"refresh_token\":true}");
        JsonNode first = ok(server.token(basic(cc, secret), form("grant_type", "client_credentials")));
        JsonNode next = ok(flows.refresh(cc, secret, first.get("refresh_token").asText()));
        assertThat(next.get("access_token").asText()).isNotEqualTo(first.get("access_token").asText());
        assertThat(next.get("refresh_token").asText()).isNotEqualTo(first.get("refresh_token").asText());
        assertThat(next.has("userinfo")).isFalse();
        JsonNode introspected = flows.introspection(next.get("access_token").asText());
        assertThat(introspected.get("active").asBoolean()).isTrue();
        assertThat(introspected.get("sub").asText()).isEqualTo(cc);
        assertError(flows.refresh(cc, secret, first.get("refresh_token").asText()), 400, "invalid_grant");
    }

    private static Set<String> scopes(JsonNode tokenResponse) {
        return new TreeSet<>(Arrays.asList(tokenResponse.get("scope").asText().split(" ")));
    }
}
