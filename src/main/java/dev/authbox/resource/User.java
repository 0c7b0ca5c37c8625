package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A user as the OAuth and OIDC code needs it. {@code resource} is the stored User without its
 * password (the {@code userinfo} of token responses); {@code data} holds its OIDC claims.
 */
public record User(String id, long version, String email, String passwordHash, boolean inactive, ObjectNode resource) {
    public ObjectNode data() {
        return resource.get("data") instanceof ObjectNode d ? d : Json.JSON.createObjectNode();
    }
}
