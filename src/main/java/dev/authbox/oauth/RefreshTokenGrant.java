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
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
        String tokenHash = RandomTokens.lookupKey(presented);
        if (requestedScope == null || requestedScope.isEmpty()) {
            Optional<TokenResponse> done = uniformSettings(client).flatMap(u -> rotateAtOnce(client, tokenHash, u));
            if (done.isPresent()) {
                return done.get();
            }
        }
        return rotateChecked(client, tokenHash, requestedScope);
    }

    /** The grants of the client whose successors are issued alike, so one statement can serve any of them. */
    private record UniformSettings(Set<String> grantTypes, GrantSettings settings) {
    }

    /**
     * The client's refresh-enabled grants and their settings when those agree on everything a
     * successor depends on (the usual case: one grant, or several left at the defaults).
     */
    private static Optional<UniformSettings> uniformSettings(Client client) {
        Set<String> grantTypes = new HashSet<>();
        GrantSettings first = null;
        for (Map.Entry<String, GrantSettings> e : client.auth().entrySet()) {
            GrantSettings s = e.getValue();
            if (!s.refreshToken()) {
                continue;
            }
            if (first != null && (s.tokenFormat() != first.tokenFormat()
                    || s.accessTokenExpiration() != first.accessTokenExpiration()
                    || !Objects.equals(s.refreshTokenExpiration(), first.refreshTokenExpiration()))) {
                return Optional.empty();
            }
            first = first == null ? s : first;
            grantTypes.add(e.getKey());
        }
        return first == null ? Optional.empty() : Optional.of(new UniformSettings(grantTypes, first));
    }

    /**
     * The hot path: one statement checks the token (live, this client's, an enabled grant, an active
     * user), rotates it, stores the successor and returns the user; the access token is signed
     * after, from the row, so nothing after the commit can fail for the database and leave the
     * client holding a used token. Empty when the statement refused: the checked path then finds
     * out why.
     */
    private Optional<TokenResponse> rotateAtOnce(Client client, String tokenHash, UniformSettings uniform) {
        TokenGenerator.Drawn drawn = tokens.draw(uniform.settings());
        Optional<RefreshTokenStore.Used> rotated = store.rotateAtOnce(tokenHash, client.id(), uniform.grantTypes(),
                new RefreshTokenStore.NextRows(drawn.jti(), drawn.accessTokenHash(), drawn.now(), drawn.expiresAt(),
                        drawn.refreshHash(), drawn.refreshExpiresAt()));
        return rotated.map(used -> {
            RefreshTokenRecord live = used.token();
            User user = used.user() == null ? null : UserDirectory.toUser(used.user());
            if (live.userId() != null && (user == null || user.inactive())) {
                // The column said active but the User says otherwise (written by a node from before
                // the column): the user's tokens are dead either way.
                sessions.forget(store.revokeFamily(live.familyId(), drawn.now()));
                throw OAuthException.invalidGrant("the refresh token's user is inactive or gone");
            }
            TokenGrant grant = new TokenGrant(client.id(), live.userId(), live.grantType(), uniform.settings(),
                    Scopes.parse(live.scope()), live.audience(), live.familyId(), null, null);
            return responder.response(tokens.complete(drawn, grant), user, null);
        });
    }

    /** The general rotation: narrows the scope if asked, and refuses with the reason or detects reuse. */
    private TokenResponse rotateChecked(Client client, String tokenHash, String requestedScope) {
        TokenGenerator.Prepared[] issued = new TokenGenerator.Prepared[1];
        User[] user = new User[1];
        Rotation rotation = store.rotate(tokenHash, Instant.now().getEpochSecond(), live -> {
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
