package dev.authbox.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Records what one token response issued: the access token's session and, when there is one, the
 * refresh token, in one transaction. The response is sent only after this returns, so every token
 * a client holds is durable.
 */
public final class TokenIssueStore {
    private static final String INSERT_SESSION = "INSERT INTO auth_session (" + SessionStore.COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REFRESH = "INSERT INTO refresh_token (token_hash, family_id, client_id, user_id,"
            + " grant_type, scope, audience, created_at, expires_at, used_at, revoked_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Jdbc jdbc;

    public TokenIssueStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(SessionRecord session, RefreshTokenRecord refresh) {
        if (refresh == null) {
            jdbc.update(INSERT_SESSION, sessionArgs(session));
        } else {
            jdbc.inTransaction(c -> {
                insert(c, session, refresh);
                return null;
            });
        }
    }

    /** Inserts the session and, when not null, the refresh token, on the caller's connection. */
    static void insert(Connection c, SessionRecord session, RefreshTokenRecord refresh) throws SQLException {
        Jdbc.update(c, INSERT_SESSION, sessionArgs(session));
        if (refresh != null) {
            Jdbc.update(c, INSERT_REFRESH, refresh.tokenHash(), refresh.familyId(), refresh.clientId(),
                    refresh.userId(), refresh.grantType(), refresh.scope(), refresh.audience(), refresh.createdAt(),
                    refresh.expiresAt(), refresh.usedAt(), refresh.revokedAt());
        }
    }

    private static Object[] sessionArgs(SessionRecord s) {
        return new Object[] {s.id(), s.tokenHash(), s.familyId(), s.clientId(), s.userId(), s.grantType(), s.scope(),
            s.audience(), s.createdAt(), s.expiresAt(), s.endedAt(), s.ssoId()};
    }
}
