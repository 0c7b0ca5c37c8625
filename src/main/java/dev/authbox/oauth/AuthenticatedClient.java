package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.GrantSettings;

/** The client behind a request, and whether it proved its secret (false for a public client). */
public record AuthenticatedClient(Client client, boolean secretVerified) {
    /** invalid_client unless the secret was proven, when the grant's settings require it. */
    public void requireSecretIfRequired(GrantSettings settings) {
        if (!secretVerified && Boolean.TRUE.equals(settings.secretRequired())) {
            throw OAuthException.invalidClient("this client must authenticate with its secret", false);
        }
    }
}
