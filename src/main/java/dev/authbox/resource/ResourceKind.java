package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** What differs between resource types stored as documents: their rules, write-only field and search fields. */
interface ResourceKind {
    String type();

    /** The write-only field hashed with Argon2id on write and never returned; null when the type has none. */
    String secretField();

    /** Search parameters besides {@code id}, each mapped to its column of the table. */
    Map<String, String> searchColumns();

    /**
     * Checks the type's own fields (the write-only one excluded), recording problems in the reader,
     * and returns the values of the columns derived from the resource (its search columns and any
     * other the table keeps), by column name.
     */
    Map<String, Object> validate(ObjectNode resource, FieldReader reader);
}
