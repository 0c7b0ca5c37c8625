package dev.authbox.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.oauth.OAuthException;
import dev.authbox.resource.Json;
import io.javalin.http.Context;
import java.io.IOException;
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
    private static final String BODY_ATTRIBUTE = "authbox.body";
    private static final int DIRECT_READ_LIMIT = 64 * 1024;

    private OAuthParams() {
    }

    public static Map<String, String> read(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return form(body(ctx));
        }
        if (type.startsWith("application/json")) {
            return json(rawBody(ctx));
        }
        throw OAuthException.invalidRequest("the body must be application/x-www-form-urlencoded or application/json");
    }

    /**
     * The request body as text, which must be UTF-8: bytes that are not (say, Latin-1 sent raw)
     * are refused rather than guessed at.
     */
    public static String body(Context ctx) {
        return strictUtf8(rawBody(ctx), "the body is not valid UTF-8");
    }

    /**
     * The body's bytes. Javalin reads a body through an 8 KiB buffer allocated per request; one of
     * declared length (as OAuth clients' form posts are) is read with {@code readNBytes}, which for
     * the usual few hundred bytes allocates just their size: a tenth of all allocation off the token
     * endpoint. Longer or chunked bodies go through Javalin, which enforces the size limit. Either
     * way the bytes are kept on the request, because the stream can be read only once: Javalin's
     * own {@code ctx.body()} would then be empty, so code here reads bodies only through this.
     */
    private static byte[] rawBody(Context ctx) {
        byte[] read = ctx.attribute(BODY_ATTRIBUTE);
        if (read != null) {
            return read;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared < 0 || declared > DIRECT_READ_LIMIT) {
            read = ctx.bodyAsBytes();
        } else {
            try {
                read = ctx.req().getInputStream().readNBytes((int) declared);
            } catch (IOException e) {
                throw OAuthException.invalidRequest("the body cannot be read");
            }
            if (read.length < declared) {
                throw OAuthException.invalidRequest("the body is shorter than its Content-Length");
            }
        }
        ctx.attribute(BODY_ATTRIBUTE, read);
        return read;
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
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                // A form or query string is printable ASCII; anything else was meant to be %-encoded.
                throw OAuthException.invalidRequest("raw character outside printable ASCII; %-encode it");
            }
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

    /**
     * Form-url-decoding that refuses what URLDecoder would let through or paper over: "%" not
     * followed by two hex digits (URLDecoder reads "%+1"), and escapes that do not spell UTF-8
     * (URLDecoder turns them into U+FFFD).
     */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s.replace('+', ' ');
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw OAuthException.invalidRequest("the body has a broken %-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return strictUtf8(bytes.toByteArray(), "a %-encoded value is not UTF-8");
    }

    private static String strictUtf8(byte[] bytes, String error) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw OAuthException.invalidRequest(error);
        }
    }
}
