package dev.authbox.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.GrantSettings.TokenFormat;
import dev.authbox.store.StoredDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The Client resource: its rules, and its reading into a {@link Client}. */
public final class ClientKind implements ResourceKind {
    public static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");
    private static final Pattern ANY_URI = Pattern.compile("\\S{1,2000}");
    private static final Set<String> GRANT_FIELDS = Set.of("redirect_uri", "token_format", "access_token_expiration",
            "refresh_token", "refresh_token_expiration", "secret_required", "pkce", "audience");

    @Override
    public String type() {
        return "Client";
    }

    @Override
    public String secretField() {
        return "secret";
    }

    @Override
    public Map<String, String> searchColumns() {
        return Map.of();
    }

    @Override
    public Map<String, Object> validate(ObjectNode resource, FieldReader reader) {
        read(resource, reader, null, 0);
        return Map.of();
    }

    /** Reads a stored client; stored documents passed validation when written. */
    public Client toClient(StoredDocument doc) {
        try {
            FieldReader reader = new FieldReader();
            Client client = read((ObjectNode) Json.JSON.readTree(doc.json()), reader, doc.secretHash(), doc.version());
            if (!reader.issues().isEmpty()) {
                throw new IllegalStateException("stored Client " + doc.id() + " is invalid: " + reader.issues());
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException("stored Client " + doc.id() + " is not JSON", e);
        }
    }

    private Client read(ObjectNode r, FieldReader reader, String secretHash, long version) {
        Boolean firstParty = reader.bool(r, "first_party", "first_party");
        Set<String> grantTypes = new LinkedHashSet<>();
        JsonNode grants = r.get("grant_types");
        if (grants != null && !grants.isNull()) {
            if (!grants.isArray()) {
                reader.problem("grant_types", "must be a list of grant names");
            } else {
                for (int i = 0; i < grants.size(); i++) {
                    String canonical = grants.get(i).isTextual() ? GrantTypes.canonical(grants.get(i).textValue()) : null;
                    if (canonical == null) {
                        reader.problem("grant_types." + i, "must be one of code, authorization_code, implicit, password,"
                                + " client_credentials, refresh_token, basic");
                    } else {
                        grantTypes.add(canonical);
                    }
                }
            }
        }
        Map<String, GrantSettings> auth = new LinkedHashMap<>();
        JsonNode authNode = reader.object(r, "auth", "auth");
        if (authNode != null) {
            for (Iterator<String> it = authNode.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                String canonical = GrantTypes.canonical(name);
                if (canonical == null || !GrantTypes.CONFIGURABLE.contains(canonical)) {
                    reader.problem("auth." + name, "must be one of authorization_code, implicit, password, client_credentials");
                    continue;
                }
                JsonNode settings = reader.object(authNode, name, "auth." + name);
                if (settings != null) {
                    auth.put(canonical, grantSettings(settings, "auth." + name, reader));
                }
            }
        }
        List<String> scopes = reader.strings(r, "scope", "scope", SCOPE_TOKEN, "must be a scope token (no spaces or quotes)");
        List<String> legacyRedirects = new ArrayList<>();
        String legacy = reader.string(r, "redirect_uri", "redirect_uri", 20_000);
        if (legacy != null) {
            for (String uri : legacy.split(",")) {
                checkRedirectUri(uri.trim(), "redirect_uri", reader);
                legacyRedirects.add(uri.trim());
            }
        }
        String name = reader.string(r, "name", "name", 200);
        List<String> postLogout = new ArrayList<>();
        for (String uri : reader.strings(r, "post_logout_redirect_uris", "post_logout_redirect_uris", ANY_URI,
                "must be a URI without spaces")) {
            checkRedirectUri(uri, "post_logout_redirect_uris", reader);
            postLogout.add(uri);
        }
        return new Client(r.path("id").asText(null), name, version, secretHash, Boolean.TRUE.equals(firstParty),
                Set.copyOf(grantTypes), Map.copyOf(auth), Set.copyOf(scopes), List.copyOf(legacyRedirects),
                List.copyOf(postLogout));
    }

    private static GrantSettings grantSettings(JsonNode s, String path, FieldReader reader) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!GRANT_FIELDS.contains(field)) {
                reader.problem(path + "." + field, "is not a known setting (" + String.join(", ", GRANT_FIELDS) + ")");
            }
        }
        TokenFormat format = TokenFormat.OPAQUE;
        String formatName = reader.string(s, "token_format", path + ".token_format", 16);
        if ("jwt".equals(formatName)) {
            format = TokenFormat.JWT;
        } else if (formatName != null && !"opaque".equals(formatName)) {
            reader.problem(path + ".token_format", "must be jwt or opaque");
        }
        Long accessExp = reader.seconds(s, "access_token_expiration", path + ".access_token_expiration");
        Boolean refresh = reader.bool(s, "refresh_token", path + ".refresh_token");
        Long refreshExp = reader.seconds(s, "refresh_token_expiration", path + ".refresh_token_expiration");
        Boolean secretRequired = reader.bool(s, "secret_required", path + ".secret_required");
        Boolean pkce = reader.bool(s, "pkce", path + ".pkce");
        List<String> redirects = new ArrayList<>();
        for (String entry : reader.strings(s, "redirect_uri", path + ".redirect_uri", ANY_URI, "must be a URI without spaces")) {
            // A single string may carry the legacy comma-separated list.
            for (String uri : entry.split(",")) {
                checkRedirectUri(uri.trim(), path + ".redirect_uri", reader);
                redirects.add(uri.trim());
            }
        }
        List<String> audience = reader.strings(s, "audience", path + ".audience", ANY_URI, "must be a string without spaces");
        return new GrantSettings(format, accessExp == null ? GrantSettings.DEFAULT_ACCESS_TOKEN_EXPIRATION : accessExp,
                Boolean.TRUE.equals(refresh), refreshExp, secretRequired, Boolean.TRUE.equals(pkce),
                List.copyOf(redirects), Set.copyOf(audience));
    }

    private static void checkRedirectUri(String uri, String path, FieldReader reader) {
        try {
            URI parsed = new URI(uri);
            if (!parsed.isAbsolute() || parsed.getFragment() != null) {
                reader.problem(path, "must be an absolute URI without a fragment: " + uri);
            }
        } catch (java.net.URISyntaxException e) {
            reader.problem(path, "is not a valid URI: " + uri);
        }
    }
}
