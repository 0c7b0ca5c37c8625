package dev.authbox.store;

/**
 * One issued access token. {@code tokenHash} is set for opaque tokens only (JWTs are found by
 * their jti, which is the id); {@code familyId} links the tokens descending from one grant;
 * {@code ssoId} is the browser SSO session the tokens were obtained through, if any.
 */
public record SessionRecord(
        String id,
        String tokenHash,
        String familyId,
        String clientId,
        String userId,
        String grantType,
        String scope,
        String audience,
        long createdAt,
        long expiresAt,
        Long endedAt,
        String ssoId) {

    public boolean activeAt(long now) {
        return endedAt == null && expiresAt > now;
    }
}
