package dev.authbox;

import dev.authbox.store.AuthCodeStore;
import dev.authbox.store.LoginFailureStore;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.SessionStore;
import dev.authbox.store.SsoSessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntUnaryOperator;

/**
 * Deletes the rows no request can use any more, so that the database holds what is live plus a
 * retention period rather than every token ever issued (at a few thousand tokens a second that is
 * millions of rows an hour): sessions, refresh tokens, codes and SSO sessions that expired, or were
 * revoked or ended, longer than the retention ago, and login-failure windows that have closed. Every
 * node runs it; runs that overlap only find less to delete each.
 */
public final class ExpiredRowPurge {
    /** Rows per delete: small enough that no statement holds many locks beside the token writes. */
    static final int BATCH = 1000;

    /** The rows one run deleted, per table. */
    public record Purged(int sessions, int refreshTokens, int codes, int ssoSessions, int loginFailures) {
        public int total() {
            return sessions + refreshTokens + codes + ssoSessions + loginFailures;
        }
    }

    private final SessionStore sessions;
    private final RefreshTokenStore refreshTokens;
    private final AuthCodeStore codes;
    private final SsoSessionStore ssoSessions;
    private final LoginFailureStore loginFailures;
    private final long retentionSeconds;
    private final long loginWindowSeconds;
    private final MeterRegistry metrics;

    public ExpiredRowPurge(SessionStore sessions, RefreshTokenStore refreshTokens, AuthCodeStore codes,
                           SsoSessionStore ssoSessions, LoginFailureStore loginFailures, long retentionSeconds,
                           long loginWindowSeconds, MeterRegistry metrics) {
        this.sessions = sessions;
        this.refreshTokens = refreshTokens;
        this.codes = codes;
        this.ssoSessions = ssoSessions;
        this.loginFailures = loginFailures;
        this.retentionSeconds = retentionSeconds;
        this.loginWindowSeconds = loginWindowSeconds;
        this.metrics = metrics;
    }

    /** Deletes everything that is due at {@code now} (epoch seconds). */
    public Purged run(long now) {
        long cutoff = now - retentionSeconds;
        return new Purged(
                drain("auth_session", limit -> sessions.deleteExpired(cutoff, now, limit)),
                drain("refresh_token", limit -> refreshTokens.deleteExpired(cutoff, limit)),
                drain("auth_code", limit -> codes.deleteExpired(cutoff, limit)),
                drain("sso_session", limit -> ssoSessions.deleteExpired(cutoff, limit)),
                drain("login_failure", limit -> loginFailures.deleteClosed(now - loginWindowSeconds, limit)));
    }

    /** Deletes batch after batch until one comes back short (a family may add rows), or the node stops. */
    private int drain(String table, IntUnaryOperator batch) {
        int total = 0;
        int deleted;
        do {
            deleted = batch.applyAsInt(BATCH);
            total += deleted;
        } while (deleted >= BATCH && !Thread.currentThread().isInterrupted());
        if (total > 0) {
            metrics.counter("authbox_expired_rows_deleted", "table", table).increment(total);
        }
        return total;
    }
}
