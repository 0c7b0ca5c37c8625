package dev.authbox.oidc;

/** A bearer token that is missing, malformed, expired, revoked, or not for this use (RFC 6750 invalid_token). */
public class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
