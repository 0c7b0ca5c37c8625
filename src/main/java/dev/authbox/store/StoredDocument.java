package dev.authbox.store;

/**
 * One row of a resource table: the resource as JSON text (without write-only fields), its
 * version, its last update (epoch seconds) and the hash of its write-only secret, if any.
 */
public record StoredDocument(String id, long version, long updatedAt, String secretHash, String json) {
}
