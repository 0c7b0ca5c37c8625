package dev.authbox.oauth;

/** An OAuth error response (RFC 6749 §5.2): error code, description and HTTP status. */
public class OAuthException extends RuntimeException {
    private final String error;
    private final int status;
    private final boolean basicChallenge;

    public OAuthException(String error, String description, int status, boolean basicChallenge) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
        this.basicChallenge = basicChallenge;
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", description, 400, false);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException("invalid_grant", description, 400, false);
    }

    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException("unauthorized_client", description, 400, false);
    }

    public static OAuthException invalidScope(String description) {
        return new OAuthException("invalid_scope", description, 400, false);
    }

    public static OAuthException invalidClient(String description, boolean basicTried) {
        return new OAuthException("invalid_client", description, 401, basicTried);
    }

    /** A request value fit to quote in an error description: printable ASCII, at most 40 characters. */
    public static String quote(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public int status() {
        return status;
    }

    /** True when the response must carry {@code WWW-Authenticate: Basic} (the client tried Basic). */
    public boolean basicChallenge() {
        return basicChallenge;
    }
}
