package dev.authbox.oauth;

import dev.authbox.oidc.IdTokens;
import dev.authbox.resource.User;
import dev.authbox.token.IssuedTokens;
import dev.authbox.token.TokenGenerator;
import dev.authbox.token.TokenGrant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Turns a grant's decision into a token response: issues and records the tokens, and for a user
 * adds {@code userinfo} and, when {@code openid} was granted, an ID token.
 */
public final class TokenResponder {
    private final TokenGenerator tokens;
    private final IdTokens idTokens;

    public TokenResponder(TokenGenerator tokens, IdTokens idTokens) {
        this.tokens = tokens;
        this.idTokens = idTokens;
    }

    /** A response for a client acting for itself. */
    public TokenResponse forClient(TokenGrant grant) {
        return response(tokens.issue(grant), null, null);
    }

    /** A response for a user who authenticated at {@code authTime} (epoch seconds). */
    public TokenResponse forUser(TokenGrant grant, User user, long authTime, String nonce) {
        IssuedTokens issued = tokens.issue(grant);
        return response(issued, user, idToken(grant, user, issued, authTime, nonce));
    }

    /** A response for tokens the caller has already recorded. */
    public TokenResponse response(IssuedTokens issued, User user, String idToken) {
        return new TokenResponse(issued.accessToken(), issued.expiresIn(), issued.refreshToken(), idToken,
                issued.scope(), user == null ? null : user.resource().deepCopy());
    }

    private String idToken(TokenGrant grant, User user, IssuedTokens issued, long authTime, String nonce) {
        if (!grant.scopes().contains("openid")) {
            return null;
        }
        return idTokens.issue(user, grant.scopes(), new IdTokens.Context(grant.clientId(), issued.issuedAt(),
                issued.expiresAt(), authTime, nonce, halfHash(issued.accessToken()), null));
    }

    /** OIDC Core §3.1.3.6: base64url of the left half of the SHA-256 of the value (at_hash, c_hash). */
    public static String halfHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
