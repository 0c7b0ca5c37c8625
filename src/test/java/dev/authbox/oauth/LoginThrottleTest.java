package dev.authbox.oauth;

import static dev.authbox.support.OAuthFlows.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Brute-force throttling of the password grant, on private nodes: 3 failures per username within a
 * window. Throttled attempts answer 429 with error invalid_grant and Retry-After, whatever the password.
 */
class LoginThrottleTest {
    static final String SECRET = "throttle-secret";
    static final String PASSWORD = "right-password";
    static TestServer node;
    static OAuthFlows flows;
    static String client;

    @BeforeAll
    static void start() {
        node = TestServer.start(TestDatabase.H2.freshUrl(),
                Map.of(Setting.LOGIN_MAX_FAILURES, "3", Setting.LOGIN_WINDOW_SECONDS, "2"));
        flows = new OAuthFlows(node);
        client = TestServer.uniqueId("thr");
        flows.passwordClient(client, SECRET, "{}");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void afterMaxFailuresEvenTheRightPasswordWaitsForTheWindow() throws Exception {
        String victim = TestServer.uniqueId("victim");
        String bystander = TestServer.uniqueId("bystander");
        flows.user(victim, PASSWORD);
        flows.user(bystander, PASSWORD);
        long windowStart = OAuthFlows.startOfASecond();
        for (int i = 0; i < 3; i++) {
            assertError(flows.password(client, SECRET, victim, "wrong-" + i), 400, "invalid_grant");
        }

        HttpResult throttled = flows.password(client, SECRET, victim, PASSWORD);
        assertError(throttled, 429, "invalid_grant");
        assertThat(throttled.json().has("access_token")).isFalse();
        assertThat(throttled.header("Retry-After")).as("Retry-After").isNotNull();
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(throttled.header("Cache-Control")).isEqualTo("no-store");

        assertThat(flows.password(client, SECRET, bystander, PASSWORD).status())
                .as("another username is not throttled").isEqualTo(200);

        OAuthFlows.sleepUntil(windowStart + 2200);
        HttpResult after = flows.password(client, SECRET, victim, PASSWORD);
        assertThat(after.status()).as("after the window: " + after).isEqualTo(200);
    }

    @Test
    void aSuccessResetsTheCount() {
        String user = TestServer.uniqueId("resets");
        flows.user(user, PASSWORD);
        assertError(flows.password(client, SECRET, user, "wrong-1"), 400, "invalid_grant");
        assertError(flows.password(client, SECRET, user, "wrong-2"), 400, "invalid_grant");
        assertThat(flows.password(client, SECRET, user, PASSWORD).status()).isEqualTo(200);
        // Without the reset this would be failures 3 and 4: the second one would be throttled (429).
        assertError(flows.password(client, SECRET, user, "wrong-3"), 400, "invalid_grant");
        assertError(flows.password(client, SECRET, user, "wrong-4"), 400, "invalid_grant");
        assertThat(flows.password(client, SECRET, user, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void theUsernameIsCountedWhateverItsCase() throws Exception {
        String user = TestServer.uniqueId("cased");
        flows.user(user, PASSWORD);
        String email = OAuthFlows.emailOf(user);
        OAuthFlows.startOfASecond();
        assertError(flows.password(client, SECRET, email, "wrong-1"), 400, "invalid_grant");
        assertError(flows.password(client, SECRET, email.toUpperCase(), "wrong-2"), 400, "invalid_grant");
        assertError(flows.password(client, SECRET, email.toLowerCase(), "wrong-3"), 400, "invalid_grant");
        assertError(flows.password(client, SECRET, email, PASSWORD), 429, "invalid_grant");
    }

    /** Failures spread over many usernames from one address throttle that address, even for a real user. */
    @Test
    void manyFailuresFromOneAddressThrottleEveryUsername() {
        try (TestServer own = TestServer.start(TestDatabase.H2.freshUrl(),
                Map.of(Setting.LOGIN_MAX_FAILURES, "3", Setting.LOGIN_WINDOW_SECONDS, "60"))) {
            OAuthFlows f = new OAuthFlows(own);
            f.passwordClient(client, SECRET, "{}");
            String real = TestServer.uniqueId("real");
            f.user(real, PASSWORD);
            int firstThrottled = -1;
            for (int i = 0; i < 60 && firstThrottled < 0; i++) {
                HttpResult r = f.password(client, SECRET, TestServer.uniqueId("spray"), "guess");
                if (r.status() == 429) {
                    firstThrottled = i;
                } else {
                    assertError(r, 400, "invalid_grant");
                }
            }
            assertThat(firstThrottled).as("the address is throttled at some point").isGreaterThanOrEqualTo(3);
            HttpResult realUser = f.password(client, SECRET, real, PASSWORD);
            assertError(realUser, 429, "invalid_grant");
            assertThat(realUser.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void failuresOnOneNodeThrottleTheOtherOnOnePostgres() {
        String url = TestDatabase.POSTGRES.freshUrl();
        Map<Setting, String> settings = Map.of(Setting.LOGIN_MAX_FAILURES, "3", Setting.LOGIN_WINDOW_SECONDS, "60");
        try (TestServer a = TestServer.start(url, settings); TestServer b = TestServer.start(url, settings)) {
            OAuthFlows onA = new OAuthFlows(a);
            OAuthFlows onB = new OAuthFlows(b);
            onA.passwordClient(client, SECRET, "{}");
            String user = TestServer.uniqueId("twonodes");
            String other = TestServer.uniqueId("twonodes-other");
            onA.user(user, PASSWORD);
            onA.user(other, PASSWORD);
            assertThat(onB.password(client, SECRET, user, PASSWORD).status()).as("B sees A's user").isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertError(onA.password(client, SECRET, user, "wrong-" + i), 400, "invalid_grant");
            }
            HttpResult onNodeB = onB.password(client, SECRET, user, PASSWORD);
            assertError(onNodeB, 429, "invalid_grant");
            assertThat(onNodeB.header("Retry-After")).isNotNull();
            assertThat(onB.password(client, SECRET, other, PASSWORD).status()).isEqualTo(200);
        }
    }
}
