package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Authorization codes. Redemption marks the code used with one conditional UPDATE, so exactly one
 * of several concurrent redemptions wins, on any number of nodes; a replay revokes what the code
 * issued.
 */
public final class AuthCodeStore {
    private static final String COLUMNS = "code_hash, family_id, client_id, user_id, sso_id, redirect_uri, redirect_given,"
            + " scope, nonce, code_challenge, auth_time, created_at, expires_at, used_at";

    /** What became of a presented code. */
    public sealed interface Redemption {
        record Redeemed(AuthCodeRecord code) implements Redemption {
        }

        record Replayed(List<SessionRecord> endedSessions) implements Redemption {
        }

        record Refused(String reason) implements Redemption {
        }
    }

    /** Checks the live code and builds what it issues; throwing refuses and leaves the code unused. */
    @FunctionalInterface
    public interface Exchange {
        RefreshTokenStore.Issue exchange(AuthCodeRecord code);
    }

    private final Jdbc jdbc;

    public AuthCodeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(AuthCodeRecord c) {
        jdbc.update("INSERT INTO auth_code (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                c.codeHash(), c.familyId(), c.clientId(), c.userId(), c.ssoId(), c.redirectUri(), c.redirectGiven(),
                c.scope(), c.nonce(), c.codeChallenge(), c.authTime(), c.createdAt(), c.expiresAt(), c.usedAt());
    }

    public Redemption redeem(String codeHash, long now, Exchange exchange) {
        return jdbc.inTransaction(c -> {
            int won = Jdbc.update(c, "UPDATE auth_code SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
                    now, codeHash, now);
            Optional<AuthCodeRecord> row = RefreshTokenStore.first(
                    Jdbc.query(c, "SELECT " + COLUMNS + " FROM auth_code WHERE code_hash = ?", AuthCodeStore::map, codeHash));
            if (row.isEmpty()) {
                return new Redemption.Refused("unknown authorization code");
            }
            if (won == 1) {
                RefreshTokenStore.Issue issue = exchange.exchange(row.get());
                TokenIssueStore.insert(c, issue.session(), issue.refresh());
                return new Redemption.Redeemed(row.get());
            }
            if (row.get().usedAt() != null) {
                return new Redemption.Replayed(Families.revoke(c, row.get().familyId(), now));
            }
            return new Redemption.Refused("authorization code expired");
        });
    }

    /**
     * Deletes up to {@code limit} codes that expired before {@code cutoff}; until then a used code's
     * replay revokes what it issued.
     */
    public int deleteExpired(long cutoff, int limit) {
        return jdbc.deleteBatch("auth_code", "code_hash", "created_at", "created_at < ? AND expires_at < ?", limit,
                cutoff, cutoff);
    }

    private static AuthCodeRecord map(ResultSet rs) throws SQLException {
        return new AuthCodeRecord(rs.getString("code_hash"), rs.getString("family_id"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("sso_id"), rs.getString("redirect_uri"), rs.getBoolean("redirect_given"),
                rs.getString("scope"), rs.getString("nonce"), rs.getString("code_challenge"), rs.getLong("auth_time"),
                rs.getLong("created_at"), rs.getLong("expires_at"), Jdbc.nullableLong(rs, "used_at"));
    }
}
