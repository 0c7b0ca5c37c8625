package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.authbox.security.InputText;
import dev.authbox.store.DocumentTable;
import dev.authbox.store.StoredDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Users by id or by email, cached like clients: changes on this node are seen at once, changes on
 * other nodes within {@link ClientDirectory#STALENESS}.
 */
public final class UserDirectory {
    private final LoadingCache<String, Optional<User>> cache;

    public UserDirectory(DocumentTable table) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .refreshAfterWrite(ClientDirectory.STALENESS.dividedBy(2))
                .expireAfterWrite(ClientDirectory.STALENESS)
                .build(key -> (key.startsWith("i:") ? table.find(key.substring(2)) : table.findBy("email", key.substring(2)))
                        .map(UserDirectory::toUser));
    }

    public Optional<User> find(String id) {
        if (id == null || !ResourceService.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return cache.get("i:" + id);
    }

    /** The user whose id, or else whose email, is {@code login}. */
    public Optional<User> findByLogin(String login) {
        Optional<User> byId = find(login);
        if (byId.isPresent() || login == null || login.length() > 320 || !InputText.clean(login)) {
            return byId;
        }
        return cache.get("e:" + UserKind.normalizeEmail(login));
    }

    /** Any user change may move an email between users, so every entry goes. */
    public void invalidate(String changedId) {
        cache.invalidateAll();
    }

    /** The User of a stored row. */
    public static User toUser(StoredDocument doc) {
        try {
            ObjectNode r = (ObjectNode) Json.JSON.readTree(doc.json());
            return new User(doc.id(), doc.version(), r.path("email").asText(null), doc.secretHash(),
                    r.path("inactive").asBoolean(false), r);
        } catch (IOException e) {
            throw new UncheckedIOException("stored User " + doc.id() + " is not JSON", e);
        }
    }
}
