package dev.authbox.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Records what token responses issued: each access token's session and, when there is one, its
 * refresh token. A response is sent only after its rows are committed, so every token a client
 * holds is durable.
 */
public final class TokenIssueStore implements AutoCloseable {
    private static final String INSERT_SESSION = "INSERT INTO auth_session (" + SessionStore.COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REFRESH = "INSERT INTO refresh_token (" + RefreshTokenStore.COLUMNS
            + ", purge_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final GroupCommit<RefreshTokenStore.Issue, Void> writes;

    public TokenIssueStore(Jdbc jdbc) {
        writes = GroupCommit.ofRows("token-writer", jdbc, 2, TokenIssueStore::insertAll);
    }

    /**
     * Records the rows and returns once they are committed, together with those of concurrent
     * calls (group commit: under load many responses share one round trip and one flush).
     */
    public void record(SessionRecord session, RefreshTokenRecord refresh) {
        writes.write(new RefreshTokenStore.Issue(session, refresh));
    }

    /** Inserts the rows of several responses on the caller's connection, a batch per table. */
    static void insertAll(Connection c, List<RefreshTokenStore.Issue> batch) throws SQLException {
        Jdbc.batch(c, INSERT_SESSION, batch.stream().map(r -> sessionArgs(r.session())).toList());
        List<Object[]> refresh = batch.stream().filter(r -> r.refresh() != null).map(r -> refreshArgs(r.refresh())).toList();
        if (!refresh.isEmpty()) {
            Jdbc.batch(c, INSERT_REFRESH, refresh);
        }
    }

    /** Inserts the session and, when not null, the refresh token, on the caller's connection. */
    static void insert(Connection c, SessionRecord session, RefreshTokenRecord refresh) throws SQLException {
        Jdbc.update(c, INSERT_SESSION, sessionArgs(session));
        if (refresh != null) {
            Jdbc.update(c, INSERT_REFRESH, refreshArgs(refresh));
        }
    }

    /** Finishes what is queued, then stops the writers. */
    @Override
    public void close() {
        writes.close();
    }

    private static Object[] sessionArgs(SessionRecord s) {
        return new Object[] {s.id(), s.tokenHash(), s.familyId(), s.clientId(), s.userId(), s.grantType(), s.scope(),
            s.audience(), s.createdAt(), s.expiresAt(), s.endedAt(), s.ssoId()};
    }

    private static Object[] refreshArgs(RefreshTokenRecord r) {
        return new Object[] {r.tokenHash(), r.familyId(), r.clientId(), r.userId(), r.grantType(), r.scope(),
            r.audience(), r.createdAt(), r.expiresAt(), r.usedAt(), r.revokedAt(),
            r.expiresAt()}; // a new token's purge_after: its expiry
    }
}
