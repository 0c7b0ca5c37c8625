package dev.authbox.ui;

import com.nimbusds.jwt.SignedJWT;
import dev.authbox.http.OAuthParams;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.SsoSessions;
import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.UserDirectory;
import dev.authbox.store.SsoSessionRecord;
import dev.authbox.token.SigningKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET/POST /auth/logout}, OpenID Connect RP-Initiated Logout 1.0. With a valid
 * {@code id_token_hint} for the signed-in user the session ends at once; otherwise the user
 * confirms first, so a cross-site link cannot sign anyone out. {@code post_logout_redirect_uri} is
 * followed only when registered for the client.
 */
public final class LogoutRoutes {
    private final SsoSessions ssoSessions;
    private final ClientDirectory clients;
    private final UserDirectory users;
    private final SigningKeys keys;
    private final BrowserCookies cookies;
    private final PageRenderer pages;

    public LogoutRoutes(SsoSessions ssoSessions, ClientDirectory clients, UserDirectory users, SigningKeys keys,
                        BrowserCookies cookies, PageRenderer pages) {
        this.ssoSessions = ssoSessions;
        this.clients = clients;
        this.users = users;
        this.keys = keys;
        this.cookies = cookies;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.get("/auth/logout", this::logout);
        routes.post("/auth/logout", this::logout);
    }

    private void logout(Context ctx) {
        Map<String, String> params;
        boolean post = "POST".equals(ctx.method().name());
        try {
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
            params = OAuthParams.form(post && type.startsWith("application/x-www-form-urlencoded") ? OAuthParams.body(ctx) : ctx.queryString());
        } catch (OAuthException e) {
            pages.message(ctx, 400, "Cannot sign out", e.description(), true);
            return;
        }
        Optional<String> hintSubject = Optional.empty();
        String clientId = params.get("client_id");
        String hint = params.get("id_token_hint");
        if (hint != null) {
            Optional<SignedJWT> jwt = verified(hint);
            if (jwt.isEmpty()) {
                pages.message(ctx, 400, "Cannot sign out", "The id_token_hint is not a valid ID token of this server.", true);
                return;
            }
            List<String> aud = claims(jwt.get()).getAudience();
            if (clientId != null && !aud.contains(clientId)) {
                pages.message(ctx, 400, "Cannot sign out", "client_id does not match the id_token_hint.", true);
                return;
            }
            clientId = clientId != null ? clientId : aud.isEmpty() ? null : aud.get(0);
            hintSubject = Optional.ofNullable(claims(jwt.get()).getSubject());
        }
        String redirect = params.get("post_logout_redirect_uri");
        if (redirect != null && !registered(clientId, redirect)) {
            pages.message(ctx, 400, "Cannot sign out", "post_logout_redirect_uri is not registered for this client.", true);
            return;
        }
        Optional<SsoSessionRecord> sso = ssoSessions.find(cookies.sso(ctx));
        boolean hintMatches = sso.isPresent() && hintSubject.isPresent() && hintSubject.get().equals(sso.get().userId());
        boolean confirmed = post && "yes".equals(params.get("confirm")) && cookies.csrfValid(ctx, params.get("csrf"));
        if (sso.isPresent() && !hintMatches && !confirmed) {
            Map<String, String> carry = new LinkedHashMap<>(params);
            carry.remove("csrf");
            carry.remove("confirm");
            String userName = users.find(sso.get().userId()).map(u -> u.email() != null ? u.email() : u.id()).orElse(null);
            pages.render(ctx, 200, "logout.jte", new Pages.Logout(cookies.csrfToken(ctx), userName, carry));
            return;
        }
        sso.ifPresent(ssoSessions::end);
        cookies.clearSso(ctx);
        if (redirect != null) {
            String state = params.get("state");
            AuthorizeRoutes.redirect(ctx, redirect + (state == null ? "" : (redirect.contains("?") ? "&" : "?")
                    + "state=" + AuthorizeRoutes.enc(state)));
        } else {
            pages.message(ctx, 200, "Signed out", "You are signed out.", false);
        }
    }

    private boolean registered(String clientId, String uri) {
        if (clientId == null) {
            return false;
        }
        Optional<Client> client = clients.find(clientId);
        return client.isPresent() && (client.get().postLogoutRedirectUris().contains(uri)
                || client.get().redirectUris(GrantTypes.AUTHORIZATION_CODE).contains(uri)
                || client.get().redirectUris(GrantTypes.IMPLICIT).contains(uri));
    }

    /** The hint if our key signed it; an expired ID token is still a valid hint. */
    private Optional<SignedJWT> verified(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            return keys.verify(jwt) ? Optional.of(jwt) : Optional.empty();
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static com.nimbusds.jwt.JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
