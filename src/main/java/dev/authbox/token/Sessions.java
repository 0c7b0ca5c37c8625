package dev.authbox.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.security.InputText;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.Page;
import dev.authbox.store.SessionRecord;
import dev.authbox.store.SessionStore;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions, and the access tokens that name them. Looking up a token finds its session by jti (a
 * JWT, after its signature checks out) or by hash (an opaque token). Lookups are cached briefly:
 * a session ended on this node stops its token at once, one ended on another node within
 * {@link #STALENESS}. Absence is cached too: a token unknown now can only appear by being issued,
 * and an issued token is never looked up before it exists.
 */
public final class Sessions {
    public static final Duration STALENESS = Duration.ofMillis(800);

    private final SessionStore store;
    private final SigningKeys keys;
    private final Cache<String, Optional<SessionRecord>> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(STALENESS)
            .build();

    /**
     * JWTs whose signature and claims have been checked, by SHA-256 of the whole token. A resource
     * server presents the same token many times, and its bytes verify the same way every time while
     * the key that signed it is still ours (checked on every hit), so hashing replaces parsing and
     * the signature check. Only successes are kept: forgeries cannot fill it.
     */
    private final Cache<String, VerifiedJwt> verified = Caffeine.newBuilder()
            .maximumSize(50_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    private record VerifiedJwt(String jti, String kid, long expiresAt) {
    }

    public Sessions(SessionStore store, SigningKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** The active session of an access token, or empty when the token is unknown, forged, expired or ended. */
    public Optional<SessionRecord> activeSession(String accessToken) {
        if (accessToken == null || accessToken.isEmpty() || accessToken.length() > 8192) {
            return Optional.empty();
        }
        Optional<SessionRecord> session = accessToken.indexOf('.') >= 0
                ? verifiedJwtId(accessToken).flatMap(this::byId)
                : byTokenHash(RandomTokens.lookupKey(accessToken));
        long now = Instant.now().getEpochSecond();
        return session.filter(s -> s.activeAt(now));
    }

    public Optional<SessionRecord> find(String id) {
        if (id == null || id.length() > 64 || !InputText.clean(id)) {
            return Optional.empty();
        }
        return store.find(id);
    }

    public Page<SessionRecord> page(int count, int offset) {
        return store.page(count, offset);
    }

    /** Ends the session; false when it was unknown or had already ended. */
    public boolean end(SessionRecord session) {
        boolean ended = store.end(session.id(), Instant.now().getEpochSecond());
        forget(List.of(session));
        return ended;
    }

    /** Drops cached lookups of sessions ended elsewhere (a revoked family), so their tokens stop at once here. */
    public void forget(List<SessionRecord> ended) {
        for (SessionRecord s : ended) {
            cache.invalidate("j" + s.id());
            if (s.tokenHash() != null) {
                cache.invalidate("h" + s.tokenHash());
            }
        }
    }

    private Optional<SessionRecord> byId(String id) {
        return cache.get("j" + id, k -> store.find(id));
    }

    private Optional<SessionRecord> byTokenHash(String hash) {
        return cache.get("h" + hash, k -> store.findByTokenHash(hash));
    }

    /** The jti of a JWT signed by one of our current keys with our algorithm, unexpired; else empty. */
    private Optional<String> verifiedJwtId(String token) {
        String hash = RandomTokens.sha256(token);
        VerifiedJwt known = verified.getIfPresent(hash);
        if (known == null) {
            known = verify(token);
            if (known == null) {
                return Optional.empty();
            }
            verified.put(hash, known);
        } else if (!keys.verifies(known.kid())) {
            return Optional.empty();
        }
        return known.expiresAt() > Instant.now().getEpochSecond() ? Optional.of(known.jti()) : Optional.empty();
    }

    private VerifiedJwt verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!keys.verify(jwt)) {
                return null;
            }
            var claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null || claims.getJWTID() == null) {
                return null;
            }
            return new VerifiedJwt(claims.getJWTID(), jwt.getHeader().getKeyID(),
                    claims.getExpirationTime().toInstant().getEpochSecond());
        } catch (ParseException | IllegalStateException e) {
            return null;
        }
    }
}
