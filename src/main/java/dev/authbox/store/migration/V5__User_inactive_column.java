package dev.authbox.store.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Copies {@code User.inactive} into a column, so the statement that rotates a refresh token can
 * refuse an inactive user's token by itself, in the same round trip. Existing users are read from
 * their JSON, which plain SQL cannot do the same way on H2 and PostgreSQL.
 */
public class V5__User_inactive_column extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE app_user ADD COLUMN inactive BOOLEAN DEFAULT FALSE NOT NULL");
        }
        try (Statement st = c.createStatement()) {
            st.setFetchSize(500); // read in pages, not all users at once
            backfill(c, st, new ObjectMapper());
        }
    }

    private static void backfill(Connection c, Statement st, ObjectMapper json) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT id, resource FROM app_user");
             PreparedStatement mark = c.prepareStatement("UPDATE app_user SET inactive = TRUE WHERE id = ?")) {
            while (rs.next()) {
                JsonNode user = json.readTree(rs.getString("resource"));
                if (user.path("inactive").asBoolean(false)) {
                    mark.setString(1, rs.getString("id"));
                    mark.addBatch();
                }
            }
            mark.executeBatch();
        }
    }
}
