package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The User resource: its rules, its search column (email, unique, compared case-insensitively) and
 * its inactive flag, kept in a column for the statements that must refuse an inactive user's tokens.
 */
public final class UserKind implements ResourceKind {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    @Override
    public String type() {
        return "User";
    }

    @Override
    public String secretField() {
        return "password";
    }

    @Override
    public Map<String, String> searchColumns() {
        return Map.of("email", "email");
    }

    @Override
    public Map<String, Object> validate(ObjectNode resource, FieldReader reader) {
        String email = reader.string(resource, "email", "email", 320);
        if (email != null && !EMAIL.matcher(email).matches()) {
            reader.problem("email", "must be an email address");
        }
        Boolean inactive = reader.bool(resource, "inactive", "inactive");
        reader.object(resource, "data", "data");
        Map<String, Object> columns = new HashMap<>();
        columns.put("email", email == null ? null : normalizeEmail(email));
        columns.put("inactive", Boolean.TRUE.equals(inactive));
        return columns;
    }

    public static String normalizeEmail(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
