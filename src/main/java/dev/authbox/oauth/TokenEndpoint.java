package dev.authbox.oauth;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The token endpoint's logic: picks the grant, authenticates the client, checks that the client may
 * use the grant, and hands over to the grant's handler.
 */
public final class TokenEndpoint {
    private final ClientAuthenticator authenticator;
    private final Map<String, GrantHandler> grants;

    public TokenEndpoint(ClientAuthenticator authenticator, List<GrantHandler> grants) {
        this.authenticator = authenticator;
        this.grants = grants.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType, Function.identity()));
    }

    public List<String> grantTypes() {
        return grants.keySet().stream().sorted().toList();
    }

    public TokenResponse handle(TokenRequest request) {
        String grantType = request.required("grant_type");
        GrantHandler handler = grants.get(grantType);
        if (handler == null) {
            throw new OAuthException("unsupported_grant_type", "unsupported grant_type: " + OAuthException.quote(grantType), 400, false);
        }
        AuthenticatedClient client = authenticator.authenticate(request.credentials());
        if (!handler.permits(client.client())) {
            throw OAuthException.unauthorizedClient("this client may not use the " + grantType + " grant");
        }
        return handler.handle(request, client);
    }
}
