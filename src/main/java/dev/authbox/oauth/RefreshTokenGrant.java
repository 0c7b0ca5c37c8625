package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.RefreshTokenRecord;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.RefreshTokenStore.Rotation;
import dev.authbox.token.Sessions;
import dev.authbox.token.TokenGenerator;
import dev.authbox.token.TokenGrant;
import java.time.Instant;
import java.util.Set;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14): every use returns a new refresh token and retires the
 * old one; presenting a retired token again revokes the whole family, since either the client or
 * an attacker holds a stolen copy. Scope may be narrowed, never widened.
 */
public final class RefreshTokenGrant implements GrantHandler {
    private final RefreshTokenStore store;
    private final TokenGenerator tokens;
    private final TokenResponder responder;
    private final UserDirectory users;
    private final Sessions sessions;

    public RefreshTokenGrant(RefreshTokenStore store, TokenGenerator tokens, TokenResponder responder,
                             UserDirectory users, Sessions sessions) {
        this.store = store;
        this.tokens = tokens;
        this.responder = responder;
        this.users = users;
        this.sessions = sessions;
    }

    @Override
    public String grantType() {
        return GrantTypes.REFRESH_TOKEN;
    }

    /** A client listing the grant, or one that has refresh tokens enabled for any grant. */
    @Override
    public boolean permits(Client client) {
        return client.allows(GrantTypes.REFRESH_TOKEN)
                || client.auth().values().stream().anyMatch(GrantSettings::refreshToken);
    }

    @Override
    public TokenResponse handle(TokenRequest request, AuthenticatedClient authenticated) {
        Client client = authenticated.client();
        String presented = request.required("refresh_token");
        String requestedScope = request.param("scope");
        TokenGenerator.Prepared[] issued = new TokenGenerator.Prepared[1];
        User[] user = new User[1];
        Rotation rotation = store.rotate(RandomTokens.sha256(presented), Instant.now().getEpochSecond(), live -> {
            // Runs inside the rotation's transaction: throwing refuses and leaves the token unused.
            user[0] = check(live, client);
            Set<String> familyScopes = Scopes.parse(live.scope());
            Set<String> scopes = narrowed(requestedScope, familyScopes);
            GrantSettings settings = client.settings(live.grantType());
            issued[0] = tokens.prepare(new TokenGrant(client.id(), live.userId(), live.grantType(), settings, scopes,
                    live.audience(), live.familyId(), familyScopes, null));
            return new RefreshTokenStore.Issue(issued[0].session(), issued[0].refresh());
        });
        if (rotation instanceof Rotation.Reused reused) {
            sessions.forget(reused.endedSessions());
            throw OAuthException.invalidGrant("refresh token already used: every token of its grant is revoked");
        }
        if (rotation instanceof Rotation.Refused refused) {
            throw OAuthException.invalidGrant(refused.reason());
        }
        return responder.response(issued[0].tokens(), user[0], null);
    }

    private User check(RefreshTokenRecord live, Client client) {
        if (!live.clientId().equals(client.id())) {
            throw OAuthException.invalidGrant("refresh token was issued to another client");
        }
        if (!client.settings(live.grantType()).refreshToken()) {
            throw OAuthException.invalidGrant("refresh tokens are disabled for this client's " + live.grantType() + " grant");
        }
        if (live.userId() == null) {
            return null;
        }
        User user = users.find(live.userId()).orElse(null);
        if (user == null || user.inactive()) {
            throw OAuthException.invalidGrant("the refresh token's user is inactive or gone");
        }
        return user;
    }

    private static Set<String> narrowed(String requested, Set<String> granted) {
        if (requested == null || requested.isEmpty()) {
            return granted;
        }
        Set<String> scopes = Scopes.parse(requested);
        if (!granted.containsAll(scopes)) {
            throw OAuthException.invalidScope("a refresh may narrow the scope, never widen it");
        }
        return scopes;
    }
}
