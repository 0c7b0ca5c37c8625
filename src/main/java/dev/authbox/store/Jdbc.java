package dev.authbox.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The small part of JDBC the stores use, with SQL errors translated into store exceptions. */
public final class Jdbc {
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** After a failure to reach the database, calls fail at once for this long instead of each waiting out the pool. */
    private static final long FAIL_FAST_NANOS = 1_000_000_000L;

    private final DataSource dataSource;
    private volatile long unavailableUntil = System.nanoTime();
    /**
     * The connection of the transaction this thread has open. A lookup made inside a transaction
     * (a cache miss while checking a token it has locked) runs on it: asking the pool for a second
     * connection while holding one and a row lock deadlocks a node once concurrent requests for
     * that row have taken every other connection.
     */
    private final ThreadLocal<Connection> openTransaction = new ThreadLocal<>();

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return withConnection(c -> query(c, sql, mapper, args));
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public int update(String sql, Object... args) {
        return withConnection(c -> update(c, sql, args));
    }

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws. A
     * transaction the database aborted to break a deadlock or a serialization conflict is run again
     * (the work must only touch the database through {@code c}, or through this Jdbc's queries and
     * updates on the same thread, which join the open transaction; not through another transaction).
     */
    public <T> T inTransaction(Work<T> work) {
        if (openTransaction.get() != null) {
            // It could only join the open one, losing its own commit and rollback: a programming error.
            throw new IllegalStateException("a transaction is already open on this thread");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return transactionOnce(work);
            } catch (StoreException e) {
                if (attempt >= 3 || !retryable(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.equals("40P01") || state.equals("40001");
    }

    /** A deadlock or serialization conflict the database broke by aborting: nothing was changed. */
    static boolean retryable(StoreException e) {
        return e.getCause() instanceof SQLException sql && retryable(sql);
    }

    /** The SQLState behind a store failure, or null. */
    static String sqlState(StoreException e) {
        return e.getCause() instanceof SQLException sql ? sql.getSQLState() : null;
    }

    private <T> T transactionOnce(Work<T> work) {
        return withConnection(c -> {
            c.setAutoCommit(false);
            openTransaction.set(c);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                openTransaction.remove();
            }
            // No need to restore auto-commit: the pool resets it when the connection goes back, and
            // doing it here would mask the real failure when the connection has just died.
        });
    }

    public <T> T withConnection(Work<T> work) {
        Connection open = openTransaction.get();
        if (open != null) {
            try {
                return work.run(open);
            } catch (SQLException e) {
                throw failed(e);
            }
        }
        if (System.nanoTime() - unavailableUntil < 0) {
            throw new StoreUnavailableException("database unavailable (a moment ago); retry shortly", null);
        }
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Runs one statement for each row of arguments as one JDBC batch (one multi-row INSERT on PostgreSQL). */
    static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] args : rows) {
                bind(ps, args);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Deletes up to {@code limit} rows of {@code table} that match {@code condition}, first in
     * {@code order} (an indexed column that the condition bounds, so that the database reads only the
     * rows it may delete); returns how many went. The rows are found first and then deleted by key,
     * the condition checked again, each in its own short statement, so that a purge never holds many
     * locks beside the token writes.
     */
    public int deleteBatch(String table, String key, String order, String condition, int limit, Object... args) {
        return deleteBatch(table, key, order, condition, condition, limit, args);
    }

    /**
     * {@link #deleteBatch(String, String, String, String, int, Object...)} where the rows that go are
     * chosen among those sharing a found {@code key} by {@code deleteCondition} (same arguments as
     * {@code findCondition}): a key that is not unique takes rows the search did not find along,
     * such as the used tokens of a refresh family whose current token is due.
     */
    public int deleteBatch(String table, String key, String order, String findCondition, String deleteCondition,
                           int limit, Object... args) {
        Object[] selectArgs = Arrays.copyOf(args, args.length + 1);
        selectArgs[args.length] = limit;
        List<String> keys = query("SELECT " + key + " FROM " + table + " WHERE " + findCondition + " ORDER BY " + order
                + " LIMIT ?", rs -> rs.getString(1), selectArgs).stream().distinct().toList();
        if (keys.isEmpty()) {
            return 0;
        }
        List<Object> deleteArgs = new ArrayList<>(keys);
        deleteArgs.addAll(Arrays.asList(args));
        return update("DELETE FROM " + table + " WHERE " + key + " IN (" + placeholders(keys.size()) + ") AND "
                + deleteCondition, deleteArgs.toArray());
    }

    /** "?, ?, ?" for an IN list of n values. */
    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** A nullable BIGINT column as a Long. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof String s && s.indexOf('\u0000') >= 0) {
                // PostgreSQL cannot store NUL; refuse it the same way on every database.
                throw new UnstorableTextException();
            }
            ps.setObject(i + 1, args[i]);
        }
    }

    /** The store exception for a failure; an unreachable database makes calls fail fast for a moment. */
    private StoreException failed(SQLException e) {
        StoreException translated = translate(e);
        if (translated instanceof StoreUnavailableException) {
            unavailableUntil = System.nanoTime() + FAIL_FAST_NANOS;
        }
        return translated;
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static StoreException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("23505") || state.equals("23001")) {
            return new DuplicateKeyException("duplicate key", e);
        }
        boolean closedUnderUs = state.isEmpty() && String.valueOf(e.getMessage()).contains("Connection is closed");
        if (e instanceof SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
                || e instanceof java.sql.SQLRecoverableException || closedUnderUs || state.startsWith("08") || state.equals("57P01")
                || state.equals("57P02") || state.equals("57P03") || state.equals("53300")) {
            return new StoreUnavailableException("database unavailable: " + e.getMessage(), e);
        }
        return new StoreException("database error: " + e.getMessage(), e);
    }
}
