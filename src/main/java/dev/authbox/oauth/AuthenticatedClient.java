package dev.authbox.oauth;

import dev.authbox.resource.Client;

/** The client behind a request, and whether it proved its secret (false for a public client). */
public record AuthenticatedClient(Client client, boolean secretVerified) {
}
