package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.RefreshTokenRecord;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.SessionRecord;
import dev.authbox.token.Sessions;
import java.time.Instant;
import java.util.Optional;

/**
 * RFC 7009 token revocation. An access token ends its session; a refresh token revokes its whole
 * family. The hint only decides which kind is looked up first. Tokens of other clients and unknown
 * tokens are left alone, and the caller cannot tell the cases apart.
 */
public final class TokenRevocation {
    private final Sessions sessions;
    private final RefreshTokenStore refreshTokens;

    public TokenRevocation(Sessions sessions, RefreshTokenStore refreshTokens) {
        this.sessions = sessions;
        this.refreshTokens = refreshTokens;
    }

    public void revoke(String token, String hint, Client caller) {
        if ("refresh_token".equals(hint)) {
            if (!revokeRefresh(token, caller)) {
                revokeAccess(token, caller);
            }
        } else if (!revokeAccess(token, caller)) {
            revokeRefresh(token, caller);
        }
    }

    private boolean revokeAccess(String token, Client caller) {
        Optional<SessionRecord> session = sessions.activeSession(token);
        session.filter(s -> s.clientId().equals(caller.id())).ifPresent(sessions::end);
        return session.isPresent();
    }

    private boolean revokeRefresh(String token, Client caller) {
        Optional<RefreshTokenRecord> refresh = refreshTokens.find(RandomTokens.lookupKey(token));
        refresh.filter(r -> r.clientId().equals(caller.id()))
                .ifPresent(r -> sessions.forget(refreshTokens.revokeFamily(r.familyId(), Instant.now().getEpochSecond())));
        return refresh.isPresent();
    }
}
