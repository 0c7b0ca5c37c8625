package dev.authbox.oauth;

import dev.authbox.oidc.IdTokens;
import dev.authbox.resource.Client;
import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.AuthCodeRecord;
import dev.authbox.store.AuthCodeStore;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.token.Sessions;
import dev.authbox.token.TokenGenerator;
import dev.authbox.token.TokenGrant;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636): a code is redeemed once, by the client it was issued to,
 * with the same redirect URI and the verifier of its challenge. Redeeming it again revokes every
 * token it issued (RFC 6749 §4.1.2).
 */
public final class AuthorizationCodeGrant implements GrantHandler {
    private final AuthCodeStore codes;
    private final TokenGenerator tokens;
    private final TokenResponder responder;
    private final IdTokens idTokens;
    private final UserDirectory users;
    private final Sessions sessions;

    public AuthorizationCodeGrant(AuthCodeStore codes, TokenGenerator tokens, TokenResponder responder, IdTokens idTokens,
                                  UserDirectory users, Sessions sessions) {
        this.codes = codes;
        this.tokens = tokens;
        this.responder = responder;
        this.idTokens = idTokens;
        this.users = users;
        this.sessions = sessions;
    }

    @Override
    public String grantType() {
        return GrantTypes.AUTHORIZATION_CODE;
    }

    @Override
    public TokenResponse handle(TokenRequest request, AuthenticatedClient authenticated) {
        Client client = authenticated.client();
        GrantSettings settings = client.settings(GrantTypes.AUTHORIZATION_CODE);
        authenticated.requireSecretIfRequired(settings);
        String code = request.required("code");
        String redirectUri = request.param("redirect_uri");
        String verifier = request.param("code_verifier");
        String codeHash = RandomTokens.lookupKey(code);
        long now = Instant.now().getEpochSecond();
        // A live code is checked and its tokens made before any write, then marked used and recorded
        // in a commit shared with concurrent redemptions. A refused check leaves the code unused.
        Optional<AuthCodeRecord> found = codes.find(codeHash).filter(c -> c.usedAt() == null && c.expiresAt() > now);
        if (found.isPresent()) {
            AuthCodeRecord live = found.get();
            User user = check(live, client, redirectUri, verifier);
            Set<String> scopes = Scopes.parse(live.scope());
            TokenGenerator.Prepared issued = tokens.prepare(new TokenGrant(client.id(), live.userId(),
                    GrantTypes.AUTHORIZATION_CODE, settings, scopes, null, live.familyId(), null, live.ssoId()));
            if (codes.redeemAtOnce(codeHash, now, new RefreshTokenStore.Issue(issued.session(), issued.refresh()))) {
                return respond(live, scopes, client, user, issued);
            }
        }
        // Unknown, used, expired, or redeemed by a concurrent request since it was read.
        AuthCodeStore.Refusal refusal = codes.refusal(codeHash, now);
        if (refusal instanceof AuthCodeStore.Refusal.Replayed replayed) {
            sessions.forget(replayed.endedSessions());
            throw OAuthException.invalidGrant("authorization code already used: the tokens it issued are revoked");
        }
        throw OAuthException.invalidGrant(((AuthCodeStore.Refusal.Refused) refusal).reason());
    }

    private TokenResponse respond(AuthCodeRecord live, Set<String> scopes, Client client, User user,
                                  TokenGenerator.Prepared issued) {
        String idToken = null;
        if (scopes.contains("openid")) {
            var t = issued.tokens();
            idToken = idTokens.issue(user, scopes, new IdTokens.Context(client.id(), t.issuedAt(), t.expiresAt(),
                    live.authTime(), live.nonce(), TokenResponder.halfHash(t.accessToken()), null));
        }
        return responder.response(issued.tokens(), user, idToken);
    }

    private User check(AuthCodeRecord live, Client client, String redirectUri, String verifier) {
        if (!live.clientId().equals(client.id())) {
            throw OAuthException.invalidGrant("the code was issued to another client");
        }
        if (redirectUri == null ? live.redirectGiven() : !redirectUri.equals(live.redirectUri())) {
            throw OAuthException.invalidGrant("redirect_uri does not match the authorization request");
        }
        if (live.codeChallenge() != null) {
            if (verifier == null) {
                throw OAuthException.invalidGrant("code_verifier is required (the request used PKCE)");
            }
            if (!PkceVerifier.matches(verifier, live.codeChallenge())) {
                throw OAuthException.invalidGrant("code_verifier does not match the code_challenge");
            }
        } else if (verifier != null) {
            throw OAuthException.invalidGrant("code_verifier given, but the authorization request had no code_challenge");
        }
        return users.find(live.userId()).filter(u -> !u.inactive())
                .orElseThrow(() -> OAuthException.invalidGrant("the code's user is inactive or gone"));
    }
}
