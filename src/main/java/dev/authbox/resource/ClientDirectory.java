package dev.authbox.resource;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.authbox.store.DocumentTable;
import java.time.Duration;
import java.util.Optional;

/**
 * Clients by id, cached so that token requests do not read the database. A change made on this
 * node is seen at once (the writer invalidates); a change made on another node is seen within
 * {@link #STALENESS}: entries are refreshed in the background after half of it and dropped after it.
 */
public final class ClientDirectory {
    public static final Duration STALENESS = Duration.ofMillis(800);

    private final ClientKind kind = new ClientKind();
    private final LoadingCache<String, Optional<Client>> cache;

    public ClientDirectory(DocumentTable table) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(50_000)
                .refreshAfterWrite(STALENESS.dividedBy(2))
                .expireAfterWrite(STALENESS)
                .build(id -> table.find(id).map(kind::toClient));
    }

    public Optional<Client> find(String id) {
        // Ids that could never have been stored are not worth a lookup (or a cache entry).
        if (id == null || !ResourceService.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return cache.get(id);
    }

    public void invalidate(String id) {
        cache.invalidate(id);
    }
}
