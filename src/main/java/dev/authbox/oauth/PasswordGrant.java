package dev.authbox.oauth;

import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.LoginThrottle;
import dev.authbox.security.PasswordHasher;
import dev.authbox.token.TokenGrant;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 6749 §4.3, Resource Owner Password Credentials. Unknown users, wrong passwords and inactive
 * users get the same answer after the same work (an unknown user is checked against a dummy hash),
 * and repeated failures are throttled.
 */
public final class PasswordGrant implements GrantHandler {
    static final String BAD_CREDENTIALS = "invalid username or password";

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final TokenResponder responder;

    public PasswordGrant(UserDirectory users, PasswordHasher hasher, LoginThrottle throttle, TokenResponder responder) {
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
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
        if (!authenticated.secretVerified() && Boolean.TRUE.equals(settings.secretRequired())) {
            throw OAuthException.invalidClient("this client must authenticate with its secret", false);
        }
        String username = request.required("username");
        String password = request.required("password");
        Set<String> scopes = Scopes.requested(request.param("scope"), client);
        String audience = Audience.requested(request.param("audience"), settings);
        User user = authenticate(username, password, request.clientAddress());
        return responder.forUser(TokenGrant.of(client.id(), user.id(), GrantTypes.PASSWORD, settings, scopes, audience),
                user, Instant.now().getEpochSecond(), null);
    }

    /** The active user with this login and password; invalid_grant otherwise, counted by the throttle. */
    User authenticate(String username, String password, String address) {
        throttle.check(username, address);
        Optional<User> user = users.findByLogin(username);
        boolean ok;
        if (user.isEmpty() || user.get().passwordHash() == null) {
            hasher.verifyDummy(password);
            ok = false;
        } else {
            ok = hasher.verify(password, user.get().passwordHash());
        }
        if (!ok || user.get().inactive()) {
            throttle.failed(username, address);
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        throttle.succeeded(username);
        return user.get();
    }
}
