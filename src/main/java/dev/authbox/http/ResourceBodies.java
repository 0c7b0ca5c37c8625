package dev.authbox.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.BadRequestException;
import dev.authbox.resource.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.Locale;

/** Reads a resource from a request body: JSON, or YAML when the Content-Type says so. */
public final class ResourceBodies {
    private ResourceBodies() {
    }

    public static ObjectNode read(Context ctx) {
        String type = ctx.contentType() == null ? "application/json" : ctx.contentType().toLowerCase(Locale.ROOT);
        boolean yaml = type.startsWith("text/yaml") || type.startsWith("application/yaml") || type.startsWith("application/x-yaml");
        if (!yaml && !type.startsWith("application/json")) {
            throw new UnsupportedMediaTypeException("Content-Type must be application/json, text/yaml or application/yaml");
        }
        JsonNode node;
        try {
            node = yaml ? Json.readYaml(ctx.bodyAsBytes()) : Json.JSON.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            String detail = e.getOriginalMessage() == null || e.getOriginalMessage().contains("Exception")
                    ? "malformed or wrongly encoded" : e.getOriginalMessage();
            throw new BadRequestException("the body is not valid " + (yaml ? "YAML" : "JSON") + ": " + detail);
        } catch (HttpResponseException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadRequestException("the body cannot be read as " + (yaml ? "YAML" : "JSON"));
        }
        if (node == null || !node.isObject()) {
            throw new BadRequestException("the body must be a resource (an object)");
        }
        return (ObjectNode) node;
    }

    /** The body's Content-Type is neither JSON nor YAML. */
    public static final class UnsupportedMediaTypeException extends RuntimeException {
        public UnsupportedMediaTypeException(String message) {
            super(message);
        }
    }
}
