package dev.authbox.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.oauth.OAuthException;
import dev.authbox.resource.Json;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of an OAuth POST: an {@code application/x-www-form-urlencoded} body (RFC 6749), or
 * a JSON object (Aidbox). A parameter given twice, a broken encoding or another content type is an
 * invalid_request.
 */
public final class OAuthParams {
    private OAuthParams() {
    }

    public static Map<String, String> read(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return form(ctx.body());
        }
        if (type.startsWith("application/json")) {
            return json(ctx.bodyAsBytes());
        }
        throw OAuthException.invalidRequest("the body must be application/x-www-form-urlencoded or application/json");
    }

    /** A form body's parameters, each given once. */
    public static Map<String, String> form(String body) {
        return single(multi(body));
    }

    /** A form body or query string's parameters with all their values, in order. */
    public static Map<String, List<String>> multi(String encoded) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /** Multi-valued parameters to single values, refusing repeats. */
    public static Map<String, String> single(Map<String, List<String>> multi) {
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, List<String>> e : multi.entrySet()) {
            if (e.getValue().size() != 1) {
                throw OAuthException.invalidRequest("parameter given more than once: " + OAuthException.quote(e.getKey()));
            }
            params.put(e.getKey(), e.getValue().get(0));
        }
        return params;
    }

    private static Map<String, String> json(byte[] body) {
        JsonNode root;
        try {
            root = Json.JSON.readTree(body);
        } catch (JacksonException e) {
            throw OAuthException.invalidRequest("the body is not valid JSON (or repeats a key)");
        } catch (java.io.IOException e) {
            throw OAuthException.invalidRequest("the body cannot be read");
        }
        if (root == null || !root.isObject()) {
            throw OAuthException.invalidRequest("the JSON body must be an object of parameters");
        }
        Map<String, String> params = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isValueNode()) {
                throw OAuthException.invalidRequest("parameter must be a string: " + OAuthException.quote(e.getKey()));
            }
            params.put(e.getKey(), v.asText());
        }
        return params;
    }

    private static String decode(String s) {
        try {
            String decoded = java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
            if (decoded.indexOf('\uFFFD') >= 0) {
                throw OAuthException.invalidRequest("the body is not valid UTF-8");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the body has a broken %-encoding");
        }
    }
}
