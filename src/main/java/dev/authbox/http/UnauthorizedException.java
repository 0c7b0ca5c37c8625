package dev.authbox.http;

/** The API call carries no valid credentials (401), or valid ones without the right (403). */
public class UnauthorizedException extends RuntimeException {
    private final boolean forbidden;

    public UnauthorizedException(String message, boolean forbidden) {
        super(message);
        this.forbidden = forbidden;
    }

    public boolean forbidden() {
        return forbidden;
    }
}
