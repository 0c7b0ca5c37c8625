package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upgrading a database from before the purge: each refresh token gets the purge time the node would
 * have given it (its expiry; an earlier revocation; none once used), and signed-out SSO sessions
 * expire at their sign-out.
 */
class PurgeColumnsMigrationTest {
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void existingRowsGetTheirPurgeTimes(TestDatabase db) throws Exception {
        String url = db.freshUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(Database.JAVA_MIGRATIONS).target("5").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            Object[][] tokens = {
                    // hash, expires_at, used_at, revoked_at
                    {"current", 500L, null, null},
                    {"current-no-expiry", null, null, null},
                    {"used", 500L, 100L, null},
                    {"revoked-before-expiry", 500L, null, 200L},
                    {"revoked-after-expiry", 500L, 100L, 700L},
                    {"revoked-no-expiry", null, 100L, 300L}};
            for (Object[] t : tokens) {
                Jdbc.update(c, "INSERT INTO refresh_token (token_hash, family_id, client_id, grant_type, created_at,"
                        + " expires_at, used_at, revoked_at) VALUES (?, 'fam', 'app', 'password', 10, ?, ?, ?)", t);
            }
            Jdbc.update(c, "INSERT INTO sso_session (id, cookie_hash, user_id, auth_time, created_at, expires_at, ended_at)"
                    + " VALUES ('signed-out', 'c1', 'ann', 10, 10, 5000, 300), ('active', 'c2', 'ann', 10, 10, 5000, NULL)");
        }

        try (Database upgraded = Database.open(Settings.from(Map.of(Setting.DB_URL, url)))) {
            Map<String, Long> purgeAfter = new HashMap<>();
            for (String[] row : upgraded.jdbc().query("SELECT token_hash, purge_after FROM refresh_token",
                    rs -> new String[] {rs.getString(1), rs.getString(2)})) {
                purgeAfter.put(row[0], row[1] == null ? null : Long.parseLong(row[1]));
            }
            assertThat(purgeAfter).containsEntry("current", 500L).containsEntry("current-no-expiry", null)
                    .containsEntry("used", null).containsEntry("revoked-before-expiry", 200L)
                    .containsEntry("revoked-after-expiry", 500L).containsEntry("revoked-no-expiry", 300L);
            assertThat(upgraded.jdbc().query("SELECT id, expires_at FROM sso_session ORDER BY id",
                    rs -> rs.getString(1) + "=" + rs.getLong(2))).containsExactly("active=5000", "signed-out=300");
        }
    }
}
