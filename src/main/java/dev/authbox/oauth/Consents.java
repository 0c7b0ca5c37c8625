package dev.authbox.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Json;
import dev.authbox.resource.ResourceService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What users approved for clients, kept as {@code Grant} resources (one per user and client). */
public final class Consents {
    private final ResourceService grants;

    public Consents(ResourceService grants) {
        this.grants = grants;
    }

    public boolean covers(String userId, String clientId, Set<String> scopes) {
        return granted(userId, clientId).containsAll(scopes);
    }

    /** Adds the scopes to the user's grant for the client, creating the grant if needed. */
    public void grant(String userId, String clientId, Set<String> scopes) {
        JsonNode existing = find(userId, clientId);
        Set<String> all = new TreeSet<>(scopes);
        String id = null;
        if (existing != null) {
            all.addAll(scopesOf(existing));
            id = existing.get("id").asText();
        }
        ObjectNode grant = Json.JSON.createObjectNode();
        grant.putObject("user").put("id", userId).put("resourceType", "User");
        grant.putObject("client").put("id", clientId).put("resourceType", "Client");
        if (!all.isEmpty()) {
            grant.put("scope", String.join(" ", all));
        }
        if (id == null) {
            grants.create(grant);
        } else {
            grants.put(id, grant);
        }
    }

    private Set<String> granted(String userId, String clientId) {
        JsonNode grant = find(userId, clientId);
        return grant == null ? Set.of() : scopesOf(grant);
    }

    private JsonNode find(String userId, String clientId) {
        JsonNode bundle = grants.search(Map.of("user", List.of(userId), "client", List.of(clientId), "_count", List.of("1")));
        JsonNode entries = bundle.path("entry");
        return entries.isEmpty() ? null : entries.get(0).get("resource");
    }

    private static Set<String> scopesOf(JsonNode grant) {
        Set<String> scopes = new TreeSet<>();
        JsonNode scope = grant.get("scope");
        if (scope == null || scope.isNull()) {
            return scopes;
        }
        if (scope.isArray()) {
            scope.forEach(s -> scopes.add(s.asText()));
        } else if (!scope.asText().isEmpty()) {
            scopes.addAll(List.of(scope.asText().split(" ")));
        }
        return scopes;
    }
}
