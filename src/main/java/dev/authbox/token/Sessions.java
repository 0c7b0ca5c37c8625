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
                : byTokenHash(RandomTokens.sha256(accessToken));
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
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!keys.verify(jwt)) {
                return Optional.empty();
            }
            var claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null || claims.getExpirationTime().toInstant().isBefore(Instant.now())) {
                return Optional.empty();
            }
            return Optional.ofNullable(claims.getJWTID());
        } catch (ParseException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
