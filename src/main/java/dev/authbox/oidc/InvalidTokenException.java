package dev.authbox.oidc;

/** A bearer token that is missing, malformed, expired, revoked, or not for this use (RFC 6750 invalid_token). */
public class InvalidTokenException extends RuntimeException {
    private final boolean missing;

    public InvalidTokenException(String message) {
        this(message, false);
    }

    private InvalidTokenException(String message, boolean missing) {
        super(message, null, false, false);
        this.missing = missing;
    }

    /** No token at all: RFC 6750 §3.1 wants a bare challenge, without an error code. */
    public static InvalidTokenException missing() {
        return new InvalidTokenException("a bearer access token is required", true);
    }

    public boolean isMissing() {
        return missing;
    }
}
