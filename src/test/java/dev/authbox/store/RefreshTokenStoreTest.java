package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.store.RefreshTokenStore.NextRows;
import dev.authbox.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one-statement rotation: it rotates and stores the successor only when every condition holds,
 * and otherwise changes nothing, so the checked path can tell why.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class RefreshTokenStoreTest {
    private static final long NOW = 1_000;

    @Parameter
    TestDatabase db;

    Database database;
    Jdbc jdbc;
    RefreshTokenStore store;
    SessionStore sessions;

    @BeforeEach
    void open() {
        database = Database.open(Settings.from(Map.of(Setting.DB_URL, db.freshUrl())));
        jdbc = database.jdbc();
        store = new RefreshTokenStore(jdbc, database.postgres());
        sessions = new SessionStore(jdbc);
        jdbc.update("INSERT INTO app_user (id, version, updated_at, resource, inactive) VALUES (?, 1, 0, ?, FALSE)", "ann",
                "{\"inactive\":false}");
        jdbc.update("INSERT INTO app_user (id, version, updated_at, resource, inactive) VALUES ('off', 1, 0, '{}', TRUE)");
    }

    @AfterEach
    void close() {
        store.close();
        database.close();
    }

    private void token(String hash, String user, Long expiresAt) {
        jdbc.update("INSERT INTO refresh_token (token_hash, family_id, client_id, user_id, grant_type, scope, audience,"
                + " created_at, expires_at, purge_after) VALUES (?, 'fam', 'app', ?, 'password', 'openid profile', 'api', 10,"
                + " ?, ?)", hash, user, expiresAt, expiresAt);
    }

    private static NextRows next(String n) {
        return new NextRows("sid-" + n, "at-" + n, NOW, NOW + 300, "rt-" + n, NOW + 900);
    }

    private Long purgeAfter(String hash) {
        return jdbc.query("SELECT purge_after FROM refresh_token WHERE token_hash = ?",
                rs -> Jdbc.nullableLong(rs, "purge_after"), hash).get(0);
    }

    /** The purge finds refresh tokens by purge_after: every write that makes a row purgeable sets it. */
    @Test
    void purgeAfterIsTheExpiryOrAnEarlierRevocation() throws Exception {
        token("t1", "ann", NOW + 500);
        store.rotateAtOnce("t1", "app", Set.of("password"), next("1"));
        assertThat(purgeAfter("rt-1")).as("a successor: its expiry").isEqualTo(NOW + 900);
        assertThat(purgeAfter("t1")).as("used: it goes with its family").isNull();
        token("t0", "ann", NOW + 500);
        assertThat(store.rotate("t0", NOW, live -> new RefreshTokenStore.Issue(
                new SessionRecord("s0", null, "fam", "app", "ann", "password", null, null, NOW, NOW + 300, null, null),
                new RefreshTokenRecord("rt-0", "fam", "app", "ann", "password", null, null, NOW, NOW + 900, null, null))))
                .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
        assertThat(purgeAfter("t0")).as("used through the checked path").isNull();
        try (TokenIssueStore writer = new TokenIssueStore(jdbc)) {
            writer.record(new SessionRecord("s2", null, "fam2", "app", "ann", "password", null, null, NOW, NOW + 300,
                    null, null), new RefreshTokenRecord("rt-2", "fam2", "app", "ann", "password", null, null, NOW,
                    NOW + 50, null, null));
            writer.record(new SessionRecord("s3", null, "fam2", "app", "ann", "password", null, null, NOW, NOW + 300,
                    null, null), new RefreshTokenRecord("rt-3", "fam2", "app", "ann", "password", null, null, NOW,
                    null, null, null));
        }
        assertThat(purgeAfter("rt-2")).as("a new token: its expiry").isEqualTo(NOW + 50);
        assertThat(purgeAfter("rt-3")).as("a token that never expires").isNull();

        store.revokeFamily("fam", NOW + 10);
        store.revokeFamily("fam2", NOW + 100);
        assertThat(purgeAfter("rt-1")).as("revoked before its expiry").isEqualTo(NOW + 10);
        assertThat(purgeAfter("t1")).as("used, then revoked").isEqualTo(NOW + 10);
        assertThat(purgeAfter("rt-2")).as("expired before the revocation").isEqualTo(NOW + 50);
        assertThat(purgeAfter("rt-3")).isEqualTo(NOW + 100);
    }

    /**
     * Concurrent rotations (committed together on H2) each get their own token and successor, and one
     * that fails (its successor's hash is taken) fails alone and changes nothing.
     */
    @Test
    void concurrentRotationsGetTheirOwnResultsAndAFailureStaysItsOwn() throws Exception {
        int n = 16;
        int failing = 5;
        for (int i = 0; i < n; i++) {
            token("c" + i, "ann", null);
        }
        token("taken", "ann", null);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<RefreshTokenStore.Used>>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String hash = "c" + i;
                NextRows rows = i == failing ? new NextRows("sid-x", null, NOW, NOW + 300, "taken", NOW + 900) : next(hash);
                results.add(pool.submit(() -> {
                    go.await();
                    return store.rotateAtOnce(hash, "app", Set.of("password"), rows);
                }));
            }
            go.countDown();
            for (int i = 0; i < n; i++) {
                Future<Optional<RefreshTokenStore.Used>> result = results.get(i);
                if (i == failing) {
                    assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(StoreException.class);
                    continue;
                }
                assertThat(result.get(30, TimeUnit.SECONDS).orElseThrow().token().tokenHash()).isEqualTo("c" + i);
                assertThat(store.find("rt-c" + i).orElseThrow().familyId()).isEqualTo("fam");
                assertThat(sessions.find("sid-c" + i)).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find("c" + failing).orElseThrow().usedAt()).as("the failed rotation left its token unused").isNull();
        assertThat(sessions.find("sid-x")).isEmpty();
    }

    @Test
    void aLiveTokenIsUsedAndItsSuccessorInheritsTheFamily() {
        token("t1", "ann", null);
        Optional<RefreshTokenStore.Used> rotated = store.rotateAtOnce("t1", "app", Set.of("password", "authorization_code"),
                next("1"));

        assertThat(rotated).isPresent();
        RefreshTokenRecord used = rotated.get().token();
        assertThat(used.familyId()).isEqualTo("fam");
        assertThat(used.userId()).isEqualTo("ann");
        assertThat(used.usedAt()).isEqualTo(NOW);
        assertThat(rotated.get().user().id()).isEqualTo("ann");
        assertThat(rotated.get().user().json()).isEqualTo("{\"inactive\":false}");
        assertThat(store.find("t1").orElseThrow().usedAt()).isEqualTo(NOW);
        assertThat(store.find("rt-1")).hasValue(new RefreshTokenRecord("rt-1", "fam", "app", "ann", "password",
                "openid profile", "api", NOW, NOW + 900, null, null));
        assertThat(sessions.find("sid-1")).hasValue(new SessionRecord("sid-1", "at-1", "fam", "app", "ann", "password",
                "openid profile", "api", NOW, NOW + 300, null, null));
    }

    @Test
    void aClientTokenAndAJwtSuccessorNeedNoUserAndNoTokenHash() {
        jdbc.update("INSERT INTO refresh_token (token_hash, family_id, client_id, user_id, grant_type, scope, audience,"
                + " created_at, expires_at) VALUES ('c1', 'cfam', 'app', NULL, 'client_credentials', NULL, NULL, 10, NULL)");
        NextRows jwt = new NextRows("sid-j", null, NOW, NOW + 60, "rt-j", null);
        assertThat(store.rotateAtOnce("c1", "app", Set.of("client_credentials"), jwt)).get()
                .satisfies(used -> assertThat(used.user()).as("a client's own token has no user").isNull());
        assertThat(store.find("rt-j").orElseThrow().expiresAt()).isNull();
        assertThat(sessions.find("sid-j").orElseThrow().tokenHash()).isNull();
    }

    @Test
    void aSecondUseFindsNothingAndAddsNothing() {
        token("t2", "ann", null);
        assertThat(store.rotateAtOnce("t2", "app", Set.of("password"), next("a"))).isPresent();
        assertThat(store.rotateAtOnce("t2", "app", Set.of("password"), next("b"))).isEmpty();
        assertThat(store.find("rt-b")).isEmpty();
        assertThat(sessions.find("sid-b")).isEmpty();
    }

    @Test
    void everyFailedConditionLeavesTheTokenAsItWas() {
        token("t3", "ann", null);
        token("t4", "off", null);
        token("t5", "ann", NOW);
        token("t6", "gone", null);
        assertThat(store.rotateAtOnce("t3", "other-client", Set.of("password"), next("c"))).as("another client").isEmpty();
        assertThat(store.rotateAtOnce("t3", "app", Set.of("client_credentials"), next("d"))).as("another grant").isEmpty();
        assertThat(store.rotateAtOnce("t4", "app", Set.of("password"), next("e"))).as("inactive user").isEmpty();
        assertThat(store.rotateAtOnce("t5", "app", Set.of("password"), next("f"))).as("expired").isEmpty();
        assertThat(store.rotateAtOnce("t6", "app", Set.of("password"), next("g"))).as("user gone").isEmpty();
        assertThat(store.rotateAtOnce("nope", "app", Set.of("password"), next("h"))).as("unknown").isEmpty();
        for (String t : new String[] {"t3", "t4", "t5", "t6"}) {
            assertThat(store.find(t).orElseThrow().usedAt()).as(t).isNull();
        }
        for (String n : new String[] {"c", "d", "e", "f", "g", "h"}) {
            assertThat(store.find("rt-" + n)).isEmpty();
            assertThat(sessions.find("sid-" + n)).isEmpty();
        }
        assertThat(store.rotateAtOnce("t3", "app", Set.of("password"), next("i"))).as("still live").isPresent();
    }
}
