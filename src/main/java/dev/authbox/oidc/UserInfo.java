package dev.authbox.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.store.SessionRecord;
import dev.authbox.token.Sessions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** OIDC Core §5.3 UserInfo: the claims of the bearer token's user that its scopes release. */
public final class UserInfo {
    private final Sessions sessions;
    private final UserDirectory users;

    public UserInfo(Sessions sessions, UserDirectory users) {
        this.sessions = sessions;
        this.users = users;
    }

    public ObjectNode claims(String bearer) {
        if (bearer == null) {
            throw InvalidTokenException.missing();
        }
        SessionRecord session = sessions.activeSession(bearer)
                .orElseThrow(() -> new InvalidTokenException("the access token is invalid, expired or revoked"));
        if (session.userId() == null) {
            throw new InvalidTokenException("the access token has no user (client credentials)");
        }
        User user = users.find(session.userId()).filter(u -> !u.inactive())
                .orElseThrow(() -> new InvalidTokenException("the token's user is inactive or gone"));
        Set<String> scopes = session.scope() == null ? Set.of() : new LinkedHashSet<>(List.of(session.scope().split(" ")));
        return UserClaims.of(user, scopes);
    }
}
