package dev.authbox.resource;

/** The write collides with the stored state: the id or a unique field is taken, or a concurrent write won. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
