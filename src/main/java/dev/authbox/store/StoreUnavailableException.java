package dev.authbox.store;

/** The database cannot be reached right now (down, restarting, pool exhausted): worth a 503 and a retry. */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
