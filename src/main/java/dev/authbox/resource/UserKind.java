package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The User resource: its rules and its search column (email, unique, compared case-insensitively). */
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
    public Map<String, String> validate(ObjectNode resource, FieldReader reader) {
        String email = reader.string(resource, "email", "email", 320);
        if (email != null && !EMAIL.matcher(email).matches()) {
            reader.problem("email", "must be an email address");
        }
        reader.bool(resource, "inactive", "inactive");
        reader.object(resource, "data", "data");
        Map<String, String> search = new HashMap<>();
        search.put("email", email == null ? null : normalizeEmail(email));
        return search;
    }

    public static String normalizeEmail(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
