package dev.authbox.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The housekeeping H2 stops doing when every commit writes the file (WRITE_DELAY=0, see
 * {@link Database#jdbcUrl}). H2 writes each commit as a new chunk of the file, and its background
 * thread rewrites chunks that later commits left mostly obsolete, so that their space can be
 * reused; with that thread gone the file grew by gigabytes within minutes of load. This does the
 * same rewriting every second, through H2's own {@link MVStore#compact} (there is no SQL for it).
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    /** Chunks whose live pages fill less than this percentage of them are rewritten (H2's own default). */
    private static final int TARGET_FILL_RATE = 90;
    /** At most this many bytes of chunks are rewritten per round. */
    private static final int REWRITE_BYTES = 16 * 1024 * 1024;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "authbox-h2-housekeeping");
        t.setDaemon(true);
        return t;
    });
    private final DataSource dataSource;
    private volatile boolean warned;

    private H2Housekeeping(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Starts the housekeeping when the database behind the pool writes every commit; else null. */
    static H2Housekeeping startIfNeeded(DataSource dataSource) {
        MVStore store;
        try (Connection c = dataSource.getConnection()) {
            store = mvStore(c);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("H2's storage is not reachable ({}); its file is not compacted while this node runs", e.toString());
            return null;
        }
        if (store == null || !store.isPersistent() || store.getAutoCommitDelay() != 0) {
            return null; // in memory there is no file; with a write delay H2's own thread does it
        }
        H2Housekeeping h = new H2Housekeeping(dataSource);
        h.timer.scheduleWithFixedDelay(h::round, 1, 1, TimeUnit.SECONDS);
        return h;
    }

    private void round() {
        try (Connection c = dataSource.getConnection()) {
            MVStore store = mvStore(c);
            if (store != null && !store.isClosed() && store.compact(TARGET_FILL_RATE, REWRITE_BYTES)) {
                store.commit(); // the rewritten pages go into the file now, not with some later commit
            }
        } catch (SQLException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("compacting H2's file failed (logged once): {}", e.toString());
            }
        }
    }

    /** The storage of the embedded database behind the connection, or null for anything else. */
    private static MVStore mvStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        var store = session.getDatabase().getStore();
        return store == null ? null : store.getMvStore();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
