package dev.authbox.store;

/** A database operation failed for a reason the caller cannot fix by changing its input. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
