package dev.authbox.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Json;
import dev.authbox.store.Page;
import dev.authbox.store.SessionRecord;
import java.time.Instant;

/** Sessions as Aidbox-shaped {@code Session} resources. */
final class SessionResources {
    private SessionResources() {
    }

    static ObjectNode present(SessionRecord s) {
        ObjectNode r = Json.JSON.createObjectNode();
        r.put("resourceType", "Session");
        r.put("id", s.id());
        if (s.userId() != null) {
            r.putObject("user").put("id", s.userId()).put("resourceType", "User");
        }
        r.putObject("client").put("id", s.clientId()).put("resourceType", "Client");
        r.put("type", s.grantType());
        if (s.audience() != null) {
            r.put("audience", s.audience());
        }
        if (s.scope() != null) {
            r.put("scope", s.scope());
        }
        r.put("exp", s.expiresAt());
        r.put("created", Instant.ofEpochSecond(s.createdAt()).toString());
        if (s.endedAt() != null) {
            r.put("ended", Instant.ofEpochSecond(s.endedAt()).toString());
        }
        if (s.familyId() != null) {
            r.put("family", s.familyId());
        }
        return r;
    }

    static ObjectNode bundle(Page<SessionRecord> page) {
        ObjectNode bundle = Json.JSON.createObjectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "searchset");
        bundle.put("total", page.total());
        ArrayNode entries = bundle.putArray("entry");
        page.rows().forEach(s -> entries.addObject().set("resource", present(s)));
        return bundle;
    }
}
