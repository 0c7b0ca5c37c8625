package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Upgrading a database from before the inactive column carries every user's flag over from its JSON. */
class UserInactiveMigrationTest {
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void existingUsersKeepTheirInactiveFlag(TestDatabase db) throws Exception {
        String url = db.freshUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO app_user (id, version, updated_at, resource) VALUES (?, 1, 0, ?)")) {
            Map<String, String> users = Map.of(
                    "off", "{\"resourceType\":\"User\",\"id\":\"off\",\"inactive\":true}",
                    "on", "{\"resourceType\":\"User\",\"id\":\"on\",\"inactive\":false}",
                    "unset", "{\"resourceType\":\"User\",\"id\":\"unset\"}",
                    "nested", "{\"resourceType\":\"User\",\"id\":\"nested\",\"data\":{\"inactive\":true}}");
            for (Map.Entry<String, String> u : users.entrySet()) {
                insert.setString(1, u.getKey());
                insert.setString(2, u.getValue());
                insert.executeUpdate();
            }
        }

        try (TestServer upgraded = TestServer.start(url, Map.of());
             Connection c = upgraded.connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT id, inactive FROM app_user")) {
            Map<String, Boolean> inactive = new HashMap<>();
            while (rs.next()) {
                inactive.put(rs.getString("id"), rs.getBoolean("inactive"));
            }
            assertThat(inactive).containsEntry("off", true).containsEntry("on", false)
                    .containsEntry("unset", false).containsEntry("nested", false);
        }
    }
}
