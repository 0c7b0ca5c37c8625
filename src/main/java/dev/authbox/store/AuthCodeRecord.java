package dev.authbox.store;

/**
 * An authorization code, stored by hash. {@code redirectGiven} records whether the authorization
 * request named the redirect_uri (then the token request must repeat it); {@code familyId} is the
 * family of every token issued from the code, revoked if the code is replayed.
 */
public record AuthCodeRecord(
        String codeHash,
        String familyId,
        String clientId,
        String userId,
        String ssoId,
        String redirectUri,
        boolean redirectGiven,
        String scope,
        String nonce,
        String codeChallenge,
        long authTime,
        long createdAt,
        long expiresAt,
        Long usedAt) {
}
