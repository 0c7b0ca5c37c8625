package dev.authbox.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantSettings.TokenFormat;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.RefreshTokenRecord;
import dev.authbox.store.SessionRecord;
import dev.authbox.store.TokenIssueStore;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.TreeSet;

/**
 * Issues access tokens (opaque or JWT, per the client's grant settings) and refresh tokens for
 * every grant. Each response costs one database write: the session row, plus the refresh token
 * row in the same transaction when there is one.
 */
public final class TokenGenerator {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final String issuer;
    private final SigningKeys keys;
    private final TokenIssueStore store;

    public TokenGenerator(String issuer, SigningKeys keys, TokenIssueStore store) {
        this.issuer = issuer;
        this.keys = keys;
        this.store = store;
    }

    /** The tokens of one response and the rows that make them real, not yet stored. */
    public record Prepared(IssuedTokens tokens, SessionRecord session, RefreshTokenRecord refresh) {
    }

    /** Issues the tokens and records them before returning. */
    public IssuedTokens issue(TokenGrant grant) {
        Prepared p = prepare(grant);
        store.record(p.session(), p.refresh());
        return p.tokens();
    }

    /** Mints the tokens for a caller that records them itself, inside its own transaction. */
    public Prepared prepare(TokenGrant grant) {
        long now = Instant.now().getEpochSecond();
        GrantSettings settings = grant.settings();
        long exp = now + settings.accessTokenExpiration();
        String jti = RandomTokens.newId();
        String scope = joinScopes(grant.scopes());
        String accessToken;
        String tokenHash = null;
        if (settings.tokenFormat() == TokenFormat.JWT) {
            accessToken = signJwt(grant, jti, scope, now, exp);
        } else {
            accessToken = RandomTokens.newToken();
            tokenHash = RandomTokens.sha256(accessToken);
        }
        String refreshToken = null;
        RefreshTokenRecord refresh = null;
        String familyId = grant.familyId();
        if (settings.refreshToken()) {
            refreshToken = RandomTokens.newToken();
            familyId = familyId == null ? RandomTokens.newId() : familyId;
            Long refreshExp = settings.refreshTokenExpiration() == null ? null : now + settings.refreshTokenExpiration();
            String refreshScope = grant.refreshScopes() == null ? scope : joinScopes(grant.refreshScopes());
            refresh = new RefreshTokenRecord(RandomTokens.sha256(refreshToken), familyId, grant.clientId(),
                    grant.userId(), grant.grantType(), refreshScope, grant.audience(), now, refreshExp, null, null);
        }
        SessionRecord session = new SessionRecord(jti, tokenHash, familyId, grant.clientId(), grant.userId(),
                grant.grantType(), scope, grant.audience(), now, exp, null, grant.ssoId());
        return new Prepared(new IssuedTokens(accessToken, exp - now, refreshToken, scope, jti, now, exp), session, refresh);
    }

    private String signJwt(TokenGrant grant, String jti, String scope, long now, long exp) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(grant.userId() != null ? grant.userId() : grant.clientId())
                .claim("client_id", grant.clientId())
                .issueTime(Date.from(Instant.ofEpochSecond(now)))
                .expirationTime(Date.from(Instant.ofEpochSecond(exp)))
                .jwtID(jti);
        if (grant.audience() != null) {
            claims.audience(grant.audience());
        }
        if (scope != null) {
            claims.claim("scope", scope);
        }
        return keys.sign(claims.build(), AT_JWT);
    }

    /** Space-separated scopes in a stable order, or null when none. */
    public static String joinScopes(Set<String> scopes) {
        return scopes == null || scopes.isEmpty() ? null : String.join(" ", new TreeSet<>(scopes));
    }
}
