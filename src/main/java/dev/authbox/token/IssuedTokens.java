package dev.authbox.token;

/** The token values of one response; {@code refreshToken} is null when none was issued. */
public record IssuedTokens(String accessToken, long expiresIn, String refreshToken, String scope, String sessionId,
        long issuedAt, long expiresAt) {
}
