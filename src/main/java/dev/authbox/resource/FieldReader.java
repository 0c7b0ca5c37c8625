package dev.authbox.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.security.InputText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads typed fields out of a JSON tree, recording an issue (and returning null) for each wrong type. */
final class FieldReader {
    private final List<Issue> issues = new ArrayList<>();

    List<Issue> issues() {
        return issues;
    }

    void problem(String path, String message) {
        issues.add(new Issue(path, message));
    }

    Boolean bool(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (absent(n)) {
            return null;
        }
        if (!n.isBoolean()) {
            problem(path, "must be true or false");
            return null;
        }
        return n.booleanValue();
    }

    String string(JsonNode parent, String field, String path, int maxLength) {
        JsonNode n = parent.get(field);
        if (absent(n)) {
            return null;
        }
        if (!n.isTextual() || n.textValue().isEmpty()) {
            problem(path, "must be a non-empty string");
            return null;
        }
        if (n.textValue().length() > maxLength) {
            problem(path, "must be at most " + maxLength + " characters");
            return null;
        }
        if (!InputText.clean(n.textValue())) {
            problem(path, "must not contain control characters");
            return null;
        }
        return n.textValue();
    }

    /** A whole number of seconds, 1 or more. */
    Long seconds(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (absent(n)) {
            return null;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.longValue() < 1 || n.longValue() > 100L * 365 * 86400) {
            problem(path, "must be a whole number of seconds between 1 and 3153600000");
            return null;
        }
        return n.longValue();
    }

    /** A string, or a list of strings, each matching {@code item}; an empty result when absent. */
    List<String> strings(JsonNode parent, String field, String path, Pattern item, String itemRule) {
        JsonNode n = parent.get(field);
        List<String> out = new ArrayList<>();
        if (absent(n)) {
            return out;
        }
        if (n.isTextual()) {
            addChecked(out, n.textValue(), path, item, itemRule);
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (e.isTextual()) {
                    addChecked(out, e.textValue(), path + "." + i, item, itemRule);
                } else {
                    problem(path + "." + i, "must be a string");
                }
            }
        } else {
            problem(path, "must be a string or a list of strings");
        }
        return out;
    }

    JsonNode object(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (absent(n)) {
            return null;
        }
        if (!n.isObject()) {
            problem(path, "must be an object");
            return null;
        }
        return n;
    }

    private void addChecked(List<String> out, String value, String path, Pattern item, String itemRule) {
        if (item.matcher(value).matches() && InputText.clean(value)) {
            out.add(value);
        } else {
            problem(path, itemRule);
        }
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }
}
