package dev.authbox.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A resource as stored after a write, and whether the write created it. */
public record WriteResult(ObjectNode resource, boolean created) {
}
