package dev.authbox.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Issue;
import dev.authbox.resource.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/** Writing JSON and YAML responses, and FHIR-style OperationOutcome errors. */
public final class Responses {
    private Responses() {
    }

    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** Token-bearing responses must never be cached (RFC 6749 §5.1). */
    public static void noStoreJson(Context ctx, int status, JsonNode body) {
        ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
        json(ctx, status, body);
    }

    /** A resource in the representation the client accepts: YAML when it asks for it, JSON otherwise. */
    public static void resource(Context ctx, int status, JsonNode body) {
        if (wantsYaml(ctx)) {
            try {
                ctx.status(status).contentType("text/yaml").result(Json.YAML.writeValueAsString(body));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write YAML", e);
            }
        } else {
            json(ctx, status, body);
        }
    }

    public static void outcome(Context ctx, int status, String code, String diagnostics, List<Issue> issues) {
        ObjectMapper m = Json.JSON;
        ObjectNode o = m.createObjectNode();
        o.put("resourceType", "OperationOutcome");
        o.putObject("text").put("status", "generated").put("div", diagnostics);
        ArrayNode list = o.putArray("issue");
        if (issues.isEmpty()) {
            list.addObject().put("severity", "fatal").put("code", code).put("diagnostics", diagnostics);
        }
        for (Issue issue : issues) {
            ObjectNode i = list.addObject().put("severity", "fatal").put("code", code);
            i.putArray("expression").add(issue.expression());
            i.put("diagnostics", issue.expression() + ": " + issue.message());
        }
        resource(ctx, status, o);
    }

    public static void outcome(Context ctx, int status, String code, String diagnostics) {
        outcome(ctx, status, code, diagnostics, List.of());
    }

    private static boolean wantsYaml(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return (a.contains("text/yaml") || a.contains("application/yaml") || a.contains("application/x-yaml"))
                && !a.startsWith("application/json");
    }
}
