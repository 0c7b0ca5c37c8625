package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.security.SecretVerifier;
import java.util.Optional;

/**
 * Authenticates the client of a token, revocation or introspection request. Unknown clients and
 * wrong secrets get the same answer, and a wrong secret always costs a full Argon2id check.
 */
public final class ClientAuthenticator {
    private final ClientDirectory clients;
    private final SecretVerifier verifier;

    public ClientAuthenticator(ClientDirectory clients, SecretVerifier verifier) {
        this.clients = clients;
        this.verifier = verifier;
    }

    public AuthenticatedClient authenticate(ClientCredentials presented) {
        boolean basic = presented.method() == ClientCredentials.Method.BASIC;
        if (presented.clientId() == null || presented.clientId().isEmpty()) {
            throw OAuthException.invalidClient("client authentication failed: no client_id", basic);
        }
        Optional<Client> found = clients.find(presented.clientId());
        if (presented.secret() == null) {
            // A public client: known, and holding no secret that it should have presented.
            if (found.isEmpty() || found.get().hasSecret()) {
                throw OAuthException.invalidClient("client authentication failed", basic);
            }
            return new AuthenticatedClient(found.get(), false);
        }
        Client client = found.orElse(null);
        if (client == null || !client.hasSecret()
                || !verifier.verify(client.id(), client.version(), presented.secret(), client.secretHash())) {
            throw OAuthException.invalidClient("client authentication failed", basic);
        }
        return new AuthenticatedClient(client, true);
    }
}
