package dev.authbox.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The Grant resource: what a user consented to for a client,
 * {@code {user: {id}, client: {id}, scope: "openid profile"}} (scope as a string or a list).
 */
public final class GrantKind implements ResourceKind {
    @Override
    public String type() {
        return "Grant";
    }

    @Override
    public String secretField() {
        return null;
    }

    @Override
    public Map<String, String> searchColumns() {
        return Map.of("user", "user_id", "client", "client_id");
    }

    @Override
    public Map<String, Object> validate(ObjectNode resource, FieldReader reader) {
        String user = reference(resource, "user", reader);
        String client = reference(resource, "client", reader);
        JsonNode scope = resource.get("scope");
        if (scope != null && !scope.isNull()) {
            String joined = scope.isArray() ? null : scope.asText();
            if (scope.isArray()) {
                reader.strings(resource, "scope", "scope", ClientKind.SCOPE_TOKEN, "must be a scope token");
            } else if (!scope.isTextual() || !joined.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*")) {
                reader.problem("scope", "must be space-separated scope tokens or a list of them");
            }
        }
        Map<String, Object> columns = new HashMap<>();
        columns.put("user_id", user);
        columns.put("client_id", client);
        return columns;
    }

    private static String reference(ObjectNode resource, String field, FieldReader reader) {
        JsonNode ref = reader.object(resource, field, field);
        if (ref == null) {
            if (!resource.hasNonNull(field)) {
                reader.problem(field, "is required: {\"id\": ...}");
            }
            return null;
        }
        String id = reader.string(ref, "id", field + ".id", 255);
        if (id == null) {
            reader.problem(field + ".id", "is required");
        }
        return id;
    }
}
