package dev.authbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.store.AuthCodeStore;
import dev.authbox.store.Database;
import dev.authbox.store.Jdbc;
import dev.authbox.store.LoginFailureStore;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.SessionStore;
import dev.authbox.store.SsoSessionStore;
import dev.authbox.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the purge deletes and what it must leave: rows past expiry (or revocation, or end) plus the
 * retention go; live rows, rows within the retention, long-lived ones issued before the cutoff, and
 * the session that lets sign-out find a live refresh family all stay.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ExpiredRowPurgeTest {
    private static final long NOW = 1_000_000;
    private static final long RETENTION = 86_400;
    private static final long CUTOFF = NOW - RETENTION;
    private static final long LOGIN_WINDOW = 300;

    @Parameter
    TestDatabase db;

    Database database;
    Jdbc jdbc;
    SimpleMeterRegistry metrics;
    RefreshTokenStore refreshTokens;
    ExpiredRowPurge purge;

    @BeforeEach
    void open() {
        database = Database.open(Settings.from(Map.of(Setting.DB_URL, db.freshUrl())));
        jdbc = database.jdbc();
        metrics = new SimpleMeterRegistry();
        refreshTokens = new RefreshTokenStore(jdbc, database.postgres());
        purge = new ExpiredRowPurge(new SessionStore(jdbc), refreshTokens,
                new AuthCodeStore(jdbc), new SsoSessionStore(jdbc), new LoginFailureStore(jdbc), RETENTION, LOGIN_WINDOW,
                metrics);
    }

    @AfterEach
    void close() {
        refreshTokens.close();
        database.close();
    }

    private void session(String id, String family, String sso, long createdAt, long expiresAt) {
        jdbc.update("INSERT INTO auth_session (id, token_hash, family_id, client_id, grant_type, created_at, expires_at,"
                + " sso_id) VALUES (?, ?, ?, 'app', 'authorization_code', ?, ?, ?)", id, "h-" + id, family, createdAt,
                expiresAt, sso);
    }

    /** As the token writers store a refresh token, and a rotation marks it used: purge_after is its expiry until used. */
    private void refresh(String hash, String family, long createdAt, Long expiresAt, Long usedAt) {
        jdbc.update("INSERT INTO refresh_token (token_hash, family_id, client_id, grant_type, created_at, expires_at,"
                + " used_at, purge_after) VALUES (?, ?, 'app', 'authorization_code', ?, ?, ?, ?)", hash, family, createdAt,
                expiresAt, usedAt, usedAt == null ? expiresAt : null);
    }

    private void code(String hash, long createdAt) {
        jdbc.update("INSERT INTO auth_code (code_hash, family_id, client_id, user_id, redirect_uri, redirect_given,"
                + " auth_time, created_at, expires_at) VALUES (?, ?, 'app', 'ann', 'https://app/cb', TRUE, ?, ?, ?)",
                hash, "f-" + hash, createdAt, createdAt, createdAt + 60);
    }

    /** Signed in, and signed out through the store when {@code endedAt} is given. */
    private void ssoSession(String id, long createdAt, long expiresAt, Long endedAt) {
        jdbc.update("INSERT INTO sso_session (id, cookie_hash, user_id, auth_time, created_at, expires_at)"
                + " VALUES (?, ?, 'ann', ?, ?, ?)", id, "c-" + id, createdAt, createdAt, expiresAt);
        if (endedAt != null) {
            new SsoSessionStore(jdbc).end(id, endedAt);
        }
    }

    private void loginFailure(String key, long windowStart) {
        jdbc.update("INSERT INTO login_failure (throttle_key, failures, window_start) VALUES (?, 3, ?)", key, windowStart);
    }

    private java.util.List<String> ids(String sql) {
        return jdbc.query(sql, rs -> rs.getString(1));
    }

    @Test
    void deletesWhatExpiredBeforeTheRetentionAndKeepsTheRest() {
        session("old", null, null, CUTOFF - 7_200, CUTOFF - 3_600);
        session("within-retention", null, null, NOW - 7_200, NOW - 3_600);
        session("live", null, null, NOW - 60, NOW + 3_540);
        session("long-lived", null, null, CUTOFF - 100_000, NOW + 100_000);
        session("ended-not-expired", null, null, CUTOFF - 100, NOW + 100);
        jdbc.update("UPDATE auth_session SET ended_at = ? WHERE id = 'ended-not-expired'", CUTOFF - 50);
        // Sign-out finds a family through the session that came from the SSO session, while both live.
        ssoSession("sso-live", NOW - 100, NOW + 43_100, null);
        session("sso-live-family", "fam-live", "sso-live", CUTOFF - 7_200, CUTOFF - 3_600);
        session("sso-dead-family", "fam-dead", "sso-live", CUTOFF - 7_200, CUTOFF - 3_600);
        session("sso-gone", "fam-live", "sso-purged-long-ago", CUTOFF - 7_200, CUTOFF - 3_600);

        // Refresh families go whole, once their current token expired or they were revoked.
        refresh("rt-live", "fam-live", CUTOFF - 7_200, null, null);
        refresh("rt-live-used", "fam-live", CUTOFF - 9_000, null, CUTOFF - 7_200);
        refresh("rt-dead", "fam-dead", CUTOFF - 7_200, null, null);
        refresh("rt-dead-used", "fam-dead", CUTOFF - 9_000, null, CUTOFF - 7_200);
        refreshTokens.revokeFamily("fam-dead", CUTOFF - 5_000);
        refresh("rt-expired", "f1", CUTOFF - 7_200, CUTOFF - 1, null);
        refresh("rt-expired-used", "f1", CUTOFF - 90_000, CUTOFF - 80_000, CUTOFF - 7_200);
        // A used token long expired, whose successor lives: its replay must still revoke the family.
        refresh("rt-f2-head", "f2", NOW - 60, NOW + 1_000, null);
        refresh("rt-f2-used-long-ago", "f2", CUTOFF - 90_000, CUTOFF - 80_000, CUTOFF - 90_000);
        refresh("rt-revoked-recently", "f3", CUTOFF - 9_000, null, null);
        refreshTokens.revokeFamily("f3", NOW - 10);
        refresh("rt-revoked-after-expiry", "f4", CUTOFF - 9_000, CUTOFF - 100, null);
        refreshTokens.revokeFamily("f4", NOW - 10);
        refresh("rt-expired-within-retention", "f5", NOW - 7_200, NOW - 3_600, null);
        refresh("rt-f5-used", "f5", NOW - 9_000, NOW - 5_000, NOW - 7_200);

        code("code-old", CUTOFF - 600);
        code("code-recent", NOW - 600);

        ssoSession("sso-expired", CUTOFF - 50_000, CUTOFF - 7_200, null);
        ssoSession("sso-ended", CUTOFF - 50_000, NOW + 1_000, CUTOFF - 1);
        ssoSession("sso-ended-recently", CUTOFF - 50_000, NOW + 1_000, NOW - 10);

        loginFailure("user:closed", NOW - LOGIN_WINDOW - 1);
        loginFailure("user:open", NOW - LOGIN_WINDOW + 10);

        ExpiredRowPurge.Purged purged = purge.run(NOW);

        assertThat(ids("SELECT id FROM auth_session ORDER BY id")).containsExactly(
                "ended-not-expired", "live", "long-lived", "sso-live-family", "within-retention");
        assertThat(ids("SELECT token_hash FROM refresh_token ORDER BY token_hash")).containsExactly(
                "rt-expired-within-retention", "rt-f2-head", "rt-f2-used-long-ago", "rt-f5-used", "rt-live",
                "rt-live-used", "rt-revoked-recently");
        assertThat(ids("SELECT code_hash FROM auth_code")).containsExactly("code-recent");
        assertThat(ids("SELECT id FROM sso_session ORDER BY id")).containsExactly("sso-ended-recently", "sso-live");
        assertThat(ids("SELECT throttle_key FROM login_failure")).containsExactly("user:open");
        assertThat(purged).isEqualTo(new ExpiredRowPurge.Purged(3, 5, 1, 2, 1));
        assertThat(metrics.counter("authbox_expired_rows_deleted", "table", "refresh_token").count()).isEqualTo(5);

        assertThat(purge.run(NOW).total()).as("a second run finds nothing").isZero();
        assertThat(refreshTokens.rotate("rt-f2-used-long-ago", NOW, live -> {
            throw new AssertionError("a used token has no successor");
        })).isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
        assertThat(refreshTokens.find("rt-f2-head").orElseThrow().revokedAt()).isEqualTo(NOW);
    }

    @Test
    void deletesEveryDueRowAcrossBatches() {
        int rows = ExpiredRowPurge.BATCH * 2 + 500;
        jdbc.withConnection(c -> {
            try (var ps = c.prepareStatement("INSERT INTO auth_session (id, client_id, grant_type, created_at, expires_at)"
                    + " VALUES (?, 'app', 'client_credentials', ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setString(1, String.format("s%05d", i));
                    ps.setLong(2, CUTOFF - 10_000 + i);
                    ps.setLong(3, CUTOFF - 5_000 + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        session("live", null, null, NOW, NOW + 3_600);

        assertThat(purge.run(NOW).sessions()).isEqualTo(rows);
        assertThat(ids("SELECT id FROM auth_session")).containsExactly("live");
    }
}
