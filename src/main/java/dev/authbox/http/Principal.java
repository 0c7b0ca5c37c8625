package dev.authbox.http;

/** Who made an API call: a client (by Basic or by its own token), or a user through a client's token. */
public record Principal(String clientId, String userId, String sessionId, boolean admin) {
}
