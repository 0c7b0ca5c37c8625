package dev.authbox.store;

/** A value with a NUL character reached the database layer: the input was bad, not the database. */
public class UnstorableTextException extends RuntimeException {
    public UnstorableTextException() {
        super("text with a NUL character cannot be stored or searched", null, false, false);
    }
}
