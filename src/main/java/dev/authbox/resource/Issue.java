package dev.authbox.resource;

/** One problem with a submitted resource: where ({@code expression}, a dotted path) and what. */
public record Issue(String expression, String message) {
}
