package dev.authbox.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The databases every store and API test runs on: embedded H2 and PostgreSQL on 127.0.0.1:5432
 * (user postgres, database test). Each call to {@link #freshUrl()} gives an empty database: a new
 * in-memory H2 database, or a new PostgreSQL schema that is dropped when the JVM exits.
 */
public enum TestDatabase {
    H2,
    POSTGRES;

    public static final String PG_BASE = System.getProperty("authbox.test.pg",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    public String freshUrl() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        if (this == H2) {
            return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        }
        try (Connection c = DriverManager.getConnection(PG_BASE); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_BASE + " is needed by the tests: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(PG_BASE); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + name + " CASCADE");
            } catch (SQLException ignored) {
                // best effort: the schema is in a scratch database
            }
        }));
        return PG_BASE + "&currentSchema=" + name;
    }
}
