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

    /**
     * The values of one response drawn ahead: the access token's id, the opaque access token (null
     * for a JWT, which is signed later), the refresh token (null when none is issued) and the times.
     */
    public record Drawn(String jti, String opaqueToken, String refreshToken, long now, long expiresAt,
                        Long refreshExpiresAt) {
        /** What the session row stores to find an opaque token; null for a JWT, found by its jti. */
        public String accessTokenHash() {
            return opaqueToken == null ? null : RandomTokens.lookupKey(opaqueToken);
        }

        public String refreshHash() {
            return refreshToken == null ? null : RandomTokens.lookupKey(refreshToken);
        }
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
        Drawn drawn = draw(grant.settings());
        RefreshTokenRecord refresh = null;
        String familyId = grant.familyId();
        String scope = joinScopes(grant.scopes());
        if (drawn.refreshToken() != null) {
            familyId = familyId == null ? RandomTokens.newTimeOrderedId() : familyId;
            String refreshScope = grant.refreshScopes() == null ? scope : joinScopes(grant.refreshScopes());
            refresh = new RefreshTokenRecord(drawn.refreshHash(), familyId, grant.clientId(), grant.userId(),
                    grant.grantType(), refreshScope, grant.audience(), drawn.now(), drawn.refreshExpiresAt(), null, null);
        }
        SessionRecord session = new SessionRecord(drawn.jti(), drawn.accessTokenHash(), familyId, grant.clientId(),
                grant.userId(), grant.grantType(), scope, grant.audience(), drawn.now(), drawn.expiresAt(), null, grant.ssoId());
        return new Prepared(complete(drawn, grant), session, refresh);
    }

    /**
     * The random values and times of one response under these settings, drawn before the grant is
     * fully known: a refresh learns its user, scope and audience from the very statement that
     * stores the rows these values go into, and signs afterwards.
     */
    public Drawn draw(GrantSettings settings) {
        long now = Instant.now().getEpochSecond();
        String opaque = settings.tokenFormat() == TokenFormat.JWT ? null : RandomTokens.newBearer();
        String refresh = settings.refreshToken() ? RandomTokens.newBearer() : null;
        Long refreshExp = refresh == null || settings.refreshTokenExpiration() == null
                ? null : now + settings.refreshTokenExpiration();
        return new Drawn(RandomTokens.newTimeOrderedId(), opaque, refresh, now, now + settings.accessTokenExpiration(), refreshExp);
    }

    /** The response's tokens from drawn values and the grant they were issued for; a JWT is signed here. */
    public IssuedTokens complete(Drawn drawn, TokenGrant grant) {
        String scope = joinScopes(grant.scopes());
        String accessToken = drawn.opaqueToken() != null
                ? drawn.opaqueToken() : signJwt(grant, drawn.jti(), scope, drawn.now(), drawn.expiresAt());
        return new IssuedTokens(accessToken, drawn.expiresAt() - drawn.now(), drawn.refreshToken(), scope, drawn.jti(),
                drawn.now(), drawn.expiresAt());
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
        return keys.sign(claims.build(), AT_JWT, keys.accessTokenAlgorithm());
    }

    /** Space-separated scopes in a stable order, or null when none. */
    public static String joinScopes(Set<String> scopes) {
        return scopes == null || scopes.isEmpty() ? null : String.join(" ", new TreeSet<>(scopes));
    }
}
