package dev.authbox.resource;

/** No resource of that type with that id. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String type, String id) {
        super(type + " '" + id + "' not found");
    }
}
