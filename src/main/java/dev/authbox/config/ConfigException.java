package dev.authbox.config;

/** A setting is missing, malformed or inconsistent; the message names it. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
