package dev.authbox.oauth;

import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.User;
import dev.authbox.token.TokenGrant;
import java.time.Instant;
import java.util.Set;

/**
 * RFC 6749 §4.3, Resource Owner Password Credentials; the user check, with its throttling and
 * enumeration safety, is {@link UserAuthenticator}'s.
 */
public final class PasswordGrant implements GrantHandler {
    private final UserAuthenticator users;
    private final TokenResponder responder;

    public PasswordGrant(UserAuthenticator users, TokenResponder responder) {
        this.users = users;
        this.responder = responder;
    }

    @Override
    public String grantType() {
        return GrantTypes.PASSWORD;
    }

    @Override
    public TokenResponse handle(TokenRequest request, AuthenticatedClient authenticated) {
        var client = authenticated.client();
        GrantSettings settings = client.settings(GrantTypes.PASSWORD);
        authenticated.requireSecretIfRequired(settings);
        String username = request.required("username");
        String password = request.required("password");
        Set<String> scopes = Scopes.requested(request.param("scope"), client);
        String audience = Audience.requested(request.param("audience"), settings);
        User user = users.authenticate(username, password, request.clientAddress());
        return responder.forUser(TokenGrant.of(client.id(), user.id(), GrantTypes.PASSWORD, settings, scopes, audience),
                user, Instant.now().getEpochSecond(), null);
    }
}
