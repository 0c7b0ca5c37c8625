package dev.authbox.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Json;
import dev.authbox.resource.User;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The OIDC claims of a user that the granted scopes release (OIDC Core §5.4). */
public final class UserClaims {
    public static final Map<String, List<String>> BY_SCOPE = Map.of(
            "profile", List.of("name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
                    "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"),
            "email", List.of("email", "email_verified"),
            "phone", List.of("phone_number", "phone_number_verified"),
            "address", List.of("address"));

    private UserClaims() {
    }

    /** {@code sub} and the claims of each granted scope, from the user's email and {@code data}. */
    public static ObjectNode of(User user, Set<String> scopes) {
        ObjectNode claims = Json.JSON.createObjectNode();
        claims.put("sub", user.id());
        ObjectNode data = user.data();
        for (String scope : scopes) {
            for (String claim : BY_SCOPE.getOrDefault(scope, List.of())) {
                JsonNode value = data.get(claim);
                if (value != null && !value.isNull()) {
                    claims.set(claim, value);
                }
            }
        }
        if (scopes.contains("email") && !claims.has("email") && user.email() != null) {
            claims.put("email", user.email());
        }
        return claims;
    }

    public static List<String> supported() {
        return BY_SCOPE.values().stream().flatMap(List::stream).sorted().toList();
    }
}
