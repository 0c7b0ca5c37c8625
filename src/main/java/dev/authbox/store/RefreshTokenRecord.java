package dev.authbox.store;

/** One refresh token, stored by hash; {@code expiresAt} null means it does not expire. */
public record RefreshTokenRecord(
        String tokenHash,
        String familyId,
        String clientId,
        String userId,
        String grantType,
        String scope,
        String audience,
        long createdAt,
        Long expiresAt,
        Long usedAt,
        Long revokedAt) {
}
