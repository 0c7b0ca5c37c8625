package dev.authbox.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.authbox.config.Settings;
import dev.authbox.store.migration.V5__User_inactive_column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;

/** The connection pool and schema of one node: opens the pool, migrates the schema, checks health. */
public final class Database implements AutoCloseable {
    /** The version of the newest migration (db/migration or JAVA_MIGRATIONS); a test keeps them in step. */
    static final int SCHEMA_VERSION = 6;
    /** Migrations plain SQL cannot express the same way on H2 and PostgreSQL; listed, not scanned for. */
    static final JavaMigration[] JAVA_MIGRATIONS = {new V5__User_inactive_column()};

    private final HikariDataSource dataSource;
    private final Jdbc jdbc;
    private final boolean postgres;
    private final H2Housekeeping housekeeping;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.postgres = postgres;
        this.housekeeping = postgres ? null : H2Housekeeping.startIfNeeded(dataSource);
    }

    public static Database open(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(settings.dbUrl(), Runtime.getRuntime().maxMemory()));
        if (settings.dbUser() != null) {
            config.setUsername(settings.dbUser());
        }
        if (settings.dbPassword() != null) {
            config.setPassword(settings.dbPassword());
        }
        config.setMaximumPoolSize(settings.dbPoolSize());
        config.setMinimumIdle(Math.min(2, settings.dbPoolSize()));
        config.setPoolName("authbox-db");
        // Single use is proved by conditional UPDATEs, which under READ COMMITTED re-check a row a
        // concurrent transaction changed and match nothing, where stricter levels abort instead.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // Fail fast when the database is away, so requests get a 503 instead of hanging.
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(10_000);
        boolean postgres = settings.dbUrl().startsWith("jdbc:postgresql:");
        if (postgres) {
            config.addDataSourceProperty("connectTimeout", "3");
            config.addDataSourceProperty("socketTimeout", "30");
            config.addDataSourceProperty("tcpKeepAlive", "true");
            // Batched inserts (group commit of issued tokens) become one multi-row INSERT.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to " + settings.redactedDbUrl() + ": " + rootMessage(e), e);
        }
        try {
            if (!schemaCurrent(ds)) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration").javaMigrations(JAVA_MIGRATIONS)
                        .load().migrate();
            }
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("schema migration failed: " + rootMessage(e), e);
        }
        return new Database(ds, postgres);
    }

    /**
     * The URL the pool opens. An H2 database in a file of this process writes each commit into the
     * file before the commit returns (WRITE_DELAY=0): by default H2 keeps committed changes in
     * memory for up to half a second, so a killed process would lose tokens, rotations and
     * resources it had already answered for. The write lands in the operating system's cache, which
     * outlives the process (not a power loss: that needs PostgreSQL). That setting also stops H2's
     * background thread, whose compaction {@link H2Housekeeping} takes over. A URL that sets
     * WRITE_DELAY itself keeps its own.
     *
     * <p>Its page cache gets a 64th of the heap, between 1 and 16 MiB (H2's default): every commit
     * puts new versions of the pages it changed into the cache, where they outlive a few young
     * collections and are then dropped, so the cache's size is what is copied and promoted, and
     * what fills the old generation. With H2's 16 MiB in a 96 MiB heap, the benchmark's write flows
     * paid a full collection (50–100 ms) every second. A URL that sets CACHE_SIZE keeps its own.
     */
    static String jdbcUrl(String url, long maxHeapBytes) {
        boolean embeddedFile = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
        if (!embeddedFile) {
            return url; // in memory, another process's database, or not H2
        }
        String upper = url.toUpperCase(Locale.ROOT);
        StringBuilder withSettings = new StringBuilder(url.endsWith(";") ? url.substring(0, url.length() - 1) : url);
        if (!upper.contains(";WRITE_DELAY=")) {
            withSettings.append(";WRITE_DELAY=0");
        }
        if (!upper.contains(";CACHE_SIZE=")) {
            long kib = Math.max(1024, Math.min(16 * 1024, maxHeapBytes / 64 / 1024));
            withSettings.append(";CACHE_SIZE=").append(kib);
        }
        return withSettings.toString();
    }

    /**
     * True when the schema history already holds this build's newest migration: then a restart
     * skips Flyway, whose start-up costs more than everything else the database needs.
     */
    private static boolean schemaCurrent(HikariDataSource ds) {
        try (Connection c = ds.getConnection();
             var st = c.createStatement();
             var rs = st.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE")) {
            int newest = 0;
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) {
                    newest = Math.max(newest, Integer.parseInt(v));
                }
            }
            return newest >= SCHEMA_VERSION;
        } catch (SQLException e) {
            return false; // no history yet: a new database
        }
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    /** PostgreSQL (by URL), whose data-modifying WITH clauses let one statement do a transaction's work. */
    public boolean postgres() {
        return postgres;
    }

    /** True when a connection can be had and answers a trivial query within two seconds. */
    public boolean healthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.close();
        }
        dataSource.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
