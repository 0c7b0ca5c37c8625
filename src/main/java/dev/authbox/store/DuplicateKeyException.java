package dev.authbox.store;

/** An insert collided with an existing row's unique key. */
public class DuplicateKeyException extends StoreException {
    public DuplicateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
