package dev.authbox.oauth;

import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.token.TokenGrant;
import java.util.Set;

/** RFC 6749 §4.4: a confidential client obtains a token on its own behalf. */
public final class ClientCredentialsGrant implements GrantHandler {
    private final TokenResponder responder;

    public ClientCredentialsGrant(TokenResponder responder) {
        this.responder = responder;
    }

    @Override
    public String grantType() {
        return GrantTypes.CLIENT_CREDENTIALS;
    }

    @Override
    public TokenResponse handle(TokenRequest request, AuthenticatedClient authenticated) {
        if (!authenticated.secretVerified()) {
            throw OAuthException.unauthorizedClient("client_credentials is for confidential clients only");
        }
        var client = authenticated.client();
        GrantSettings settings = client.settings(GrantTypes.CLIENT_CREDENTIALS);
        Set<String> scopes = Scopes.requested(request.param("scope"), client);
        String audience = Audience.requested(request.param("audience"), settings);
        return responder.forClient(TokenGrant.of(client.id(), null, GrantTypes.CLIENT_CREDENTIALS, settings, scopes, audience));
    }
}
