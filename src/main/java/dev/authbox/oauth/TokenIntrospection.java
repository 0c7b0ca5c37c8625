package dev.authbox.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Json;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.RefreshTokenRecord;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.store.SessionRecord;
import dev.authbox.token.Sessions;
import java.time.Instant;
import java.util.Optional;

/**
 * RFC 7662 token introspection of access tokens (opaque or JWT) and refresh tokens. Anything not
 * active, including a token of an inactive user, is just {@code {"active":false}}.
 */
public final class TokenIntrospection {
    private static final ObjectNode INACTIVE = Json.JSON.createObjectNode().put("active", false);

    private final String issuer;
    private final Sessions sessions;
    private final RefreshTokenStore refreshTokens;
    private final UserDirectory users;

    public TokenIntrospection(String issuer, Sessions sessions, RefreshTokenStore refreshTokens, UserDirectory users) {
        this.issuer = issuer;
        this.sessions = sessions;
        this.refreshTokens = refreshTokens;
        this.users = users;
    }

    public ObjectNode introspect(String token, String hint) {
        ObjectNode result = "refresh_token".equals(hint)
                ? refresh(token).or(() -> access(token)).orElse(null)
                : access(token).or(() -> refresh(token)).orElse(null);
        return result == null ? INACTIVE.deepCopy() : result;
    }

    private Optional<ObjectNode> access(String token) {
        return sessions.activeSession(token).flatMap(s -> describe(s.clientId(), s.userId(), s.scope(), s.audience(),
                s.createdAt(), s.expiresAt(), "Bearer").map(o -> o.put("jti", s.id())));
    }

    private Optional<ObjectNode> refresh(String token) {
        if (token.indexOf('.') >= 0 || token.length() > 512) {
            return Optional.empty();
        }
        long now = Instant.now().getEpochSecond();
        return refreshTokens.find(RandomTokens.lookupKey(token))
                .filter(r -> r.usedAt() == null && r.revokedAt() == null && (r.expiresAt() == null || r.expiresAt() > now))
                .flatMap(r -> describe(r.clientId(), r.userId(), r.scope(), r.audience(), r.createdAt(), r.expiresAt(),
                        "refresh_token"));
    }

    private Optional<ObjectNode> describe(String clientId, String userId, String scope, String audience,
                                          long issuedAt, Long expiresAt, String tokenType) {
        ObjectNode o = Json.JSON.createObjectNode();
        o.put("active", true);
        if (userId != null) {
            Optional<User> user = users.find(userId).filter(u -> !u.inactive());
            if (user.isEmpty()) {
                return Optional.empty();
            }
            o.put("username", user.get().email() != null ? user.get().email() : user.get().id());
        }
        if (scope != null) {
            o.put("scope", scope);
        }
        o.put("client_id", clientId);
        o.put("sub", userId != null ? userId : clientId);
        if (audience != null) {
            o.put("aud", audience);
        }
        o.put("iss", issuer);
        if (expiresAt != null) {
            o.put("exp", expiresAt);
        }
        o.put("iat", issuedAt);
        o.put("token_type", tokenType);
        return Optional.of(o);
    }
}
