package dev.authbox.store;

/** A browser's signed-in session, found by the hash of its cookie. */
public record SsoSessionRecord(String id, String cookieHash, String userId, long authTime, long createdAt,
                               long expiresAt, Long endedAt) {
    public boolean activeAt(long now) {
        return endedAt == null && expiresAt > now;
    }
}
