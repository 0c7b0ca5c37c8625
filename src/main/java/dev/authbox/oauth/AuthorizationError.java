package dev.authbox.oauth;

/**
 * An authorization request error. With a {@code target} it is returned to the client's redirect
 * URI (RFC 6749 §4.1.2.1); without one (unknown client, bad redirect URI) it must never redirect
 * and is shown to the user instead.
 */
public class AuthorizationError extends RuntimeException {
    /** Where and how an error goes back to the client. */
    public record Target(String redirectUri, String responseMode, String state) {
    }

    private final String error;
    private final Target target;

    public AuthorizationError(String error, String description, Target target) {
        super(description, null, false, false);
        this.error = error;
        this.target = target;
    }

    public static AuthorizationError page(String description) {
        return new AuthorizationError("invalid_request", description, null);
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    /** Null when the error must be shown on a page, not redirected. */
    public Target target() {
        return target;
    }
}
