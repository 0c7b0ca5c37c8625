package dev.authbox.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
    private static final int MAX_BATCH = 512;
    private static final int WRITERS = 2;

    /** One response's rows, and the promise to its request that they are committed. */
    private record Pending(SessionRecord session, RefreshTokenRecord refresh, CompletableFuture<Void> committed) {
    }

    private final Jdbc jdbc;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    public TokenIssueStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        for (int i = 0; i < WRITERS; i++) {
            Thread t = new Thread(this::writeLoop, "authbox-token-writer-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    /**
     * Records the rows and returns once they are committed. Concurrent calls are committed together
     * (group commit): a writer takes everything queued while the previous commit was running and
     * writes it in one transaction, so under load many responses share one round trip and one
     * flush, and nothing is acknowledged before it is durable.
     */
    public void record(SessionRecord session, RefreshTokenRecord refresh) {
        if (closed) {
            throw new StoreUnavailableException("this node is shutting down", null);
        }
        Pending p = new Pending(session, refresh, new CompletableFuture<>());
        queue.add(p);
        try {
            p.committed().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreException("token write failed", e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            jdbc.inTransaction(c -> {
                insertAll(c, batch);
                return null;
            });
            batch.forEach(p -> p.committed().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || e instanceof StoreUnavailableException) {
                batch.forEach(p -> p.committed().completeExceptionally(e));
            } else {
                // One bad row must not fail its neighbours: retry them one by one.
                batch.forEach(p -> write(List.of(p)));
            }
        }
    }

    private static void insertAll(Connection c, List<Pending> batch) throws SQLException {
        try (PreparedStatement sessions = c.prepareStatement(INSERT_SESSION)) {
            for (Pending p : batch) {
                Jdbc.bind(sessions, sessionArgs(p.session()));
                sessions.addBatch();
            }
            sessions.executeBatch();
        }
        if (batch.stream().anyMatch(p -> p.refresh() != null)) {
            try (PreparedStatement refresh = c.prepareStatement(INSERT_REFRESH)) {
                for (Pending p : batch) {
                    if (p.refresh() != null) {
                        Jdbc.bind(refresh, refreshArgs(p.refresh()));
                        refresh.addBatch();
                    }
                }
                refresh.executeBatch();
            }
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
        closed = true;
        for (Thread t : writers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
