package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.SessionRecord;
import dev.authbox.store.SsoSessionRecord;
import dev.authbox.store.SsoSessionStore;
import dev.authbox.token.Sessions;
import java.time.Instant;
import java.util.Optional;

/** Browser sign-in sessions: the cookie holds a random value, the database only its hash. */
public final class SsoSessions {
    /** A new session and the cookie value that opens it (shown once, to the browser). */
    public record Started(SsoSessionRecord session, String cookieValue) {
    }

    private final SsoSessionStore store;
    private final Sessions sessions;
    private final ClientDirectory clients;
    private final long lifetimeSeconds;
    private final RefreshTokenStore refreshTokens;

    public SsoSessions(SsoSessionStore store, Sessions sessions, ClientDirectory clients, RefreshTokenStore refreshTokens,
                       long lifetimeSeconds) {
        this.store = store;
        this.refreshTokens = refreshTokens;
        this.sessions = sessions;
        this.clients = clients;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    public Started start(String userId) {
        long now = Instant.now().getEpochSecond();
        String cookie = RandomTokens.newToken();
        SsoSessionRecord s = new SsoSessionRecord(RandomTokens.newId(), RandomTokens.sha256(cookie), userId, now, now,
                now + lifetimeSeconds, null);
        store.insert(s);
        return new Started(s, cookie);
    }

    /** The active session of a cookie value, if any. */
    public Optional<SsoSessionRecord> find(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 200) {
            return Optional.empty();
        }
        long now = Instant.now().getEpochSecond();
        return store.findByCookieHash(RandomTokens.sha256(cookieValue)).filter(s -> s.activeAt(now));
    }

    /**
     * Ends the SSO session and what it produced for first-party clients: their token families
     * (refresh tokens and every access token refreshed from them) and sessions. Third-party clients
     * keep theirs: the user granted those apps access beyond this browser session.
     */
    public void end(SsoSessionRecord sso) {
        long now = Instant.now().getEpochSecond();
        store.end(sso.id(), now);
        for (String[] family : store.families(sso.id())) {
            if (firstParty(family[1])) {
                sessions.forget(refreshTokens.revokeFamily(family[0], now));
            }
        }
        for (SessionRecord s : store.openSessions(sso.id())) {
            if (firstParty(s.clientId())) {
                sessions.end(s);
            }
        }
    }

    private boolean firstParty(String clientId) {
        return clients.find(clientId).map(Client::firstParty).orElse(true);
    }
}
