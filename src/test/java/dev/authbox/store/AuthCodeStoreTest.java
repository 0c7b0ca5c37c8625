package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.store.AuthCodeStore.Refusal;
import dev.authbox.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The grouped redemption: a code is marked used, and what it issued recorded, only while it is
 * unused and unexpired; otherwise nothing changes and the general transaction can tell why.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AuthCodeStoreTest {
    private static final long NOW = 1_000;

    @Parameter
    TestDatabase db;

    Database database;
    AuthCodeStore codes;
    SessionStore sessions;
    RefreshTokenStore refreshTokens;

    @BeforeEach
    void open() {
        database = Database.open(Settings.from(Map.of(Setting.DB_URL, db.freshUrl())));
        codes = new AuthCodeStore(database.jdbc());
        sessions = new SessionStore(database.jdbc());
        refreshTokens = new RefreshTokenStore(database.jdbc(), database.postgres());
    }

    @AfterEach
    void close() {
        codes.close();
        refreshTokens.close();
        database.close();
    }

    private void code(String hash, long expiresAt) {
        codes.insert(new AuthCodeRecord(hash, "fam-" + hash, "app", "ann", "sso", "https://app/cb", true, "openid",
                "n", "challenge", NOW - 5, NOW - 5, expiresAt, null));
    }

    private static RefreshTokenStore.Issue issue(String code, String n) {
        String family = "fam-" + code;
        return new RefreshTokenStore.Issue(
                new SessionRecord("sid-" + n, "at-" + n, family, "app", "ann", "authorization_code", "openid", null, NOW,
                        NOW + 300, null, "sso"),
                new RefreshTokenRecord("rt-" + n, family, "app", "ann", "authorization_code", "openid", null, NOW,
                        NOW + 900, null, null));
    }

    @Test
    void aLiveCodeIsUsedOnceAndRecordsWhatItIssued() {
        code("c1", NOW + 60);
        assertThat(codes.redeemAtOnce("c1", NOW, issue("c1", "a"))).isTrue();
        assertThat(codes.find("c1").orElseThrow().usedAt()).isEqualTo(NOW);
        assertThat(sessions.find("sid-a").orElseThrow().familyId()).isEqualTo("fam-c1");
        assertThat(refreshTokens.find("rt-a").orElseThrow().familyId()).isEqualTo("fam-c1");

        assertThat(codes.redeemAtOnce("c1", NOW, issue("c1", "b"))).as("a second use").isFalse();
        assertThat(sessions.find("sid-b")).isEmpty();
        assertThat(refreshTokens.find("rt-b")).isEmpty();
    }

    @Test
    void anExpiredOrUnknownCodeChangesNothingAndSaysWhy() {
        code("c2", NOW);
        assertThat(codes.redeemAtOnce("c2", NOW, issue("c2", "e"))).as("expired").isFalse();
        assertThat(codes.redeemAtOnce("nope", NOW, issue("nope", "u"))).as("unknown").isFalse();
        assertThat(codes.find("c2").orElseThrow().usedAt()).isNull();
        assertThat(sessions.find("sid-e")).isEmpty();
        assertThat(sessions.find("sid-u")).isEmpty();
        assertThat(codes.refusal("c2", NOW)).isEqualTo(new Refusal.Refused("authorization code expired"));
        assertThat(codes.refusal("nope", NOW)).isEqualTo(new Refusal.Refused("unknown authorization code"));
    }

    @Test
    void aReplayRevokesWhatTheCodeIssued() {
        code("c3", NOW + 60);
        assertThat(codes.redeemAtOnce("c3", NOW, issue("c3", "r"))).isTrue();
        assertThat(codes.redeemAtOnce("c3", NOW + 1, issue("c3", "again"))).isFalse();
        Refusal replay = codes.refusal("c3", NOW + 1);
        assertThat(replay).isInstanceOf(Refusal.Replayed.class);
        assertThat(((Refusal.Replayed) replay).endedSessions()).extracting(SessionRecord::id).containsExactly("sid-r");
        assertThat(refreshTokens.find("rt-r").orElseThrow().revokedAt()).isEqualTo(NOW + 1);
    }

    /**
     * Concurrent redemptions of one code, through one store (often in one transaction) and through
     * two (two nodes' writers, so transactions that wait for each other's row lock): exactly one
     * wins and records its tokens.
     */
    @Test
    void ofConcurrentRedemptionsOfOneCodeExactlyOneWins() throws Exception {
        code("c4", NOW + 60);
        int n = 16;
        List<Future<Boolean>> results;
        try (AuthCodeStore otherNode = new AuthCodeStore(database.jdbc())) {
            results = concurrently(n, i -> (i % 2 == 0 ? codes : otherNode).redeemAtOnce("c4", NOW, issue("c4", "x" + i)));
        }
        List<Boolean> won = new ArrayList<>();
        for (Future<Boolean> result : results) {
            won.add(result.get());
        }
        assertThat(won).filteredOn(w -> w).hasSize(1);
        int winner = won.indexOf(true);
        for (int i = 0; i < n; i++) {
            assertThat(sessions.find("sid-x" + i).isPresent()).as("session of redemption " + i).isEqualTo(i == winner);
        }
    }

    /** Concurrent redemptions of different codes each get their own result; one that fails changes nothing. */
    @Test
    void aFailingRedemptionFailsAloneAndLeavesItsCodeUnused() throws Exception {
        int n = 16;
        int failing = 7;
        for (int i = 0; i < n; i++) {
            code("d" + i, NOW + 60);
        }
        // Two redemptions carry the same session id: whichever is written first wins, the other fails alone.
        List<Future<Boolean>> results = concurrently(n,
                i -> codes.redeemAtOnce("d" + i, NOW, issue("d" + i, i == failing ? "d" + (failing - 1) : "d" + i)));
        int failed = 0;
        for (int i = 0; i < n; i++) {
            try {
                assertThat(results.get(i).get()).isTrue();
                assertThat(codes.find("d" + i).orElseThrow().usedAt()).isEqualTo(NOW);
            } catch (ExecutionException e) {
                assertThat(i).isIn(failing - 1, failing);
                assertThat(e).hasCauseInstanceOf(StoreException.class);
                assertThat(codes.find("d" + i).orElseThrow().usedAt()).as("the failed redemption's code").isNull();
                failed++;
            }
        }
        assertThat(failed).isEqualTo(1);
        for (int i = 0; i < n; i++) {
            if (i != failing && i != failing - 1) {
                assertThat(sessions.find("sid-d" + i).orElseThrow().familyId()).isEqualTo("fam-d" + i);
            }
        }
    }

    private interface Call {
        boolean call(int i) throws Exception;
    }

    /** Runs n calls at once; returns their futures, all done. */
    private static List<Future<Boolean>> concurrently(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call(index);
                }));
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }
}
