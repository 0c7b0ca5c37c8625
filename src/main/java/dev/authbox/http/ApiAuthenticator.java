package dev.authbox.http;

import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.resource.GrantTypes;
import dev.authbox.security.SecretVerifier;
import dev.authbox.store.SessionRecord;
import dev.authbox.token.Sessions;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Authenticates API calls: HTTP Basic with the id and secret of a client whose grant_types include
 * {@code basic} (Aidbox's Basic Auth), or a bearer token of an active session. The admin client
 * (configured at start) is the one principal with admin rights.
 */
public final class ApiAuthenticator {
    private final ClientDirectory clients;
    private final SecretVerifier verifier;
    private final Sessions sessions;
    private final String adminId;

    public ApiAuthenticator(ClientDirectory clients, SecretVerifier verifier, Sessions sessions, String adminId) {
        this.clients = clients;
        this.verifier = verifier;
        this.sessions = sessions;
        this.adminId = adminId;
    }

    public Principal authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        Optional<BasicCredentials> basic = BasicCredentials.parse(authorization);
        if (basic.isPresent()) {
            BasicCredentials c = basic.get();
            Client client = c.malformed() ? null : clients.find(c.id()).orElse(null);
            if (client == null || !client.allows(GrantTypes.BASIC) || !client.hasSecret()
                    || !verifier.verify(client.id(), client.version(), c.secret(), client.secretHash())) {
                throw new UnauthorizedException("invalid client credentials", false);
            }
            return new Principal(client.id(), null, null, client.id().equals(adminId));
        }
        String bearer = BasicCredentials.bearer(authorization);
        if (bearer != null) {
            SessionRecord s = sessions.activeSession(bearer)
                    .orElseThrow(() -> new UnauthorizedException("the bearer token is invalid, expired or revoked", false));
            // A token the admin client obtained for itself carries admin rights; one it obtained for a user does not.
            boolean admin = s.clientId().equals(adminId) && s.userId() == null && clients.find(adminId).isPresent();
            return new Principal(s.clientId(), s.userId(), s.id(), admin);
        }
        throw new UnauthorizedException("authentication required (Basic or Bearer)", false);
    }

    public Principal requireAdmin(Context ctx) {
        Principal p = authenticate(ctx);
        if (!p.admin()) {
            throw new UnauthorizedException("this call needs the admin client's credentials", true);
        }
        return p;
    }
}
