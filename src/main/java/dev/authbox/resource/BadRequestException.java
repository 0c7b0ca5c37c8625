package dev.authbox.resource;

/** The request itself is malformed (unknown search parameter, bad paging, unparseable body). */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
