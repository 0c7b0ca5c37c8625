package dev.authbox.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.security.InputText;
import dev.authbox.security.PasswordHasher;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.DocumentTable;
import dev.authbox.store.DuplicateKeyException;
import dev.authbox.store.Page;
import dev.authbox.store.StoredDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Create, read, replace, delete and search of one resource type stored as documents, the Aidbox
 * way: resources carry {@code meta.versionId} and {@code meta.lastUpdated}; the write-only field
 * is hashed with Argon2id on write and never stored or returned in the clear.
 */
public final class ResourceService {
    /** Ids that are safe in a URL path segment; "." and ".." are not (clients normalise them away). */
    public static final Pattern ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._~@-]{1,128}");

    private final ResourceKind kind;
    private final DocumentTable table;
    private final PasswordHasher hasher;
    private final Consumer<String> onChange;

    ResourceService(ResourceKind kind, DocumentTable table, PasswordHasher hasher, Consumer<String> onChange) {
        this.kind = kind;
        this.table = table;
        this.hasher = hasher;
        this.onChange = onChange;
    }

    public static ResourceService clients(DocumentTable table, PasswordHasher hasher, Consumer<String> onChange) {
        return new ResourceService(new ClientKind(), table, hasher, onChange);
    }

    public static ResourceService users(DocumentTable table, PasswordHasher hasher, Consumer<String> onChange) {
        return new ResourceService(new UserKind(), table, hasher, onChange);
    }

    public static ResourceService grants(DocumentTable table) {
        return new ResourceService(new GrantKind(), table, null, id -> { });
    }

    public String type() {
        return kind.type();
    }

    public ObjectNode read(String id) {
        if (!ID.matcher(id).matches()) {
            throw new NotFoundException(kind.type(), id);
        }
        return table.find(id).map(this::present).orElseThrow(() -> new NotFoundException(kind.type(), id));
    }

    /** POST: creates the resource, with a generated id when the body has none. */
    public ObjectNode create(ObjectNode body) {
        String id = body.hasNonNull("id") ? body.get("id").asText() : RandomTokens.newId();
        if (body.hasNonNull("id") && !body.get("id").isTextual()) {
            throw invalid("id", "must be a string");
        }
        Prepared p = prepare(id, body, null);
        try {
            table.insert(new StoredDocument(id, 1, now(), p.secretHash, p.json), p.columnValues);
        } catch (DuplicateKeyException e) {
            throw conflict(id, p);
        }
        onChange.accept(id);
        return read(id);
    }

    /** PUT: creates or replaces. A body without the write-only field keeps the stored hash. */
    public WriteResult put(String id, ObjectNode body) {
        if (body.hasNonNull("id") && !id.equals(body.get("id").asText())) {
            throw invalid("id", "must match the id in the URL (" + id + ")");
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            var existing = table.find(id);
            Prepared p = prepare(id, body, existing.map(StoredDocument::secretHash).orElse(null));
            try {
                if (existing.isEmpty()) {
                    table.insert(new StoredDocument(id, 1, now(), p.secretHash, p.json), p.columnValues);
                    onChange.accept(id);
                    return new WriteResult(read(id), true);
                }
                long version = existing.get().version();
                if (table.replace(new StoredDocument(id, version + 1, now(), p.secretHash, p.json), version, p.columnValues)) {
                    onChange.accept(id);
                    return new WriteResult(read(id), false);
                }
            } catch (DuplicateKeyException e) {
                if (table.find(id).isEmpty()) {
                    throw conflict(id, p);
                }
            }
            // Another writer came between our read and our write: read again and retry.
        }
        throw new ConflictException(kind.type() + " '" + id + "' is being changed concurrently; retry");
    }

    public ObjectNode delete(String id) {
        ObjectNode current = read(id);
        if (!table.delete(id)) {
            throw new NotFoundException(kind.type(), id);
        }
        onChange.accept(id);
        return current;
    }

    /** A searchset Bundle of the resources matching {@code params} ({@code _count}, {@code _page}, id and search fields). */
    public ObjectNode search(Map<String, List<String>> params) {
        int count = SearchParams.DEFAULT_COUNT;
        int page = 1;
        Map<String, String> filters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String value = SearchParams.single(e.getKey(), e.getValue());
            if (!InputText.clean(value) || value.length() > 1000) {
                throw new BadRequestException("search parameter '" + e.getKey() + "' has control characters or is too long");
            }
            switch (e.getKey()) {
                case "_count" -> count = SearchParams.number("_count", value, 0, SearchParams.MAX_COUNT);
                case "_page" -> page = SearchParams.number("_page", value, 1, 1_000_000);
                case "id" -> filters.put("id", value);
                default -> {
                    String column = kind.searchColumns().get(e.getKey());
                    if (column == null) {
                        throw new BadRequestException("unknown search parameter '" + e.getKey() + "' for " + kind.type()
                                + " (known: _count, _page, id" + (kind.searchColumns().isEmpty() ? "" : ", "
                                + String.join(", ", kind.searchColumns().keySet())) + ")");
                    }
                    filters.put(column, "email".equals(column) ? UserKind.normalizeEmail(value) : value);
                }
            }
        }
        Page<StoredDocument> result = table.search(filters, count, (page - 1) * count);
        ObjectNode bundle = Json.JSON.createObjectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "searchset");
        bundle.put("total", result.total());
        ArrayNode entries = bundle.putArray("entry");
        for (StoredDocument doc : result.rows()) {
            entries.addObject().set("resource", present(doc));
        }
        return bundle;
    }

    private record Prepared(String json, String secretHash, Map<String, Object> columnValues) {
    }

    private Prepared prepare(String id, ObjectNode body, String existingHash) {
        if (!ID.matcher(id).matches()) {
            throw invalid("id", "must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ -");
        }
        ObjectNode resource = body.deepCopy();
        JsonNode type = resource.get("resourceType");
        if (type != null && !kind.type().equals(type.asText())) {
            throw invalid("resourceType", "must be " + kind.type());
        }
        resource.remove("meta");
        JsonNode secret = kind.secretField() == null ? null : resource.remove(kind.secretField());
        FieldReader reader = new FieldReader();
        if (secret != null && !secret.isNull() && (!secret.isTextual() || secret.textValue().isEmpty()
                || secret.textValue().length() > 1024)) {
            reader.problem(kind.secretField(), "must be a string of 1 to 1024 characters");
        }
        Map<String, Object> columnValues = kind.validate(resource, reader);
        if (!reader.issues().isEmpty()) {
            throw new ValidationException(reader.issues());
        }
        ObjectNode stored = Json.JSON.createObjectNode();
        stored.put("resourceType", kind.type());
        stored.put("id", id);
        resource.remove("resourceType");
        resource.remove("id");
        stored.setAll(resource);
        String hash = secret == null ? existingHash : secret.isNull() ? null : hasher.hash(secret.textValue());
        return new Prepared(stored.toString(), hash, columnValues);
    }

    private ObjectNode present(StoredDocument doc) {
        try {
            ObjectNode resource = (ObjectNode) Json.JSON.readTree(doc.json());
            ObjectNode meta = resource.putObject("meta");
            meta.put("versionId", Long.toString(doc.version()));
            meta.put("lastUpdated", Instant.ofEpochSecond(doc.updatedAt()).toString());
            return resource;
        } catch (IOException e) {
            throw new UncheckedIOException("stored " + kind.type() + " " + doc.id() + " is not JSON", e);
        }
    }

    private ConflictException conflict(String id, Prepared p) {
        if (table.find(id).isPresent()) {
            return new ConflictException(kind.type() + " '" + id + "' already exists");
        }
        String taken = kind.searchColumns().values().stream().filter(column -> p.columnValues.get(column) != null)
                .findFirst().orElse("a unique field");
        return new ConflictException(kind.type() + " with this " + taken + " already exists");
    }

    private static ValidationException invalid(String field, String message) {
        return new ValidationException(List.of(new Issue(field, message)));
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
