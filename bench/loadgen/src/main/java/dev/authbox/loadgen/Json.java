package dev.authbox.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Cheap checks on JSON response bodies with Jackson's streaming parser (no tree, no binding). */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** Value of a top-level string field, or null when absent, not a string, or the body is not a JSON object. */
    static String string(Resp r, String field) {
        try (JsonParser p = FACTORY.createParser(r.body, 0, r.bodyLen)) {
            if (!seek(p, field)) return null;
            return p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the body is a JSON object whose top-level field is the literal {@code true}. */
    static boolean isTrue(Resp r, String field) {
        try (JsonParser p = FACTORY.createParser(r.body, 0, r.bodyLen)) {
            return seek(p, field) && p.currentToken() == JsonToken.VALUE_TRUE;
        } catch (IOException e) {
            return false;
        }
    }

    /** Moves the parser onto the value of the named top-level field; false if there is none. */
    private static boolean seek(JsonParser p, String field) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (field.equals(name)) return true;
            p.skipChildren();
        }
        return false;
    }
}
