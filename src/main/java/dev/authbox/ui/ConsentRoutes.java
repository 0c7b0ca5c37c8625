package dev.authbox.ui;

import dev.authbox.http.OAuthParams;
import dev.authbox.oauth.AuthorizationEndpoint;
import dev.authbox.oauth.AuthorizationError;
import dev.authbox.oauth.AuthorizationRequest;
import dev.authbox.oauth.AuthorizationRequestParser;
import dev.authbox.oauth.Consents;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.SsoSessions;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.store.SsoSessionRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET/POST /auth/grant}: the consent page. */
public final class ConsentRoutes {
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "openid", "sign you in with your identity",
            "profile", "your name and profile details",
            "email", "your email address",
            "phone", "your phone number",
            "address", "your postal address",
            "offline_access", "keep access when you are not signed in");

    private final AuthorizationRequestParser parser;
    private final AuthorizationEndpoint endpoint;
    private final Consents consents;
    private final SsoSessions ssoSessions;
    private final UserDirectory users;
    private final BrowserCookies cookies;
    private final PageRenderer pages;

    public ConsentRoutes(AuthorizationRequestParser parser, AuthorizationEndpoint endpoint, Consents consents,
                         SsoSessions ssoSessions, UserDirectory users, BrowserCookies cookies, PageRenderer pages) {
        this.parser = parser;
        this.endpoint = endpoint;
        this.consents = consents;
        this.ssoSessions = ssoSessions;
        this.users = users;
        this.cookies = cookies;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.get("/auth/grant", ctx -> handle(ctx, ctx.queryParam("return_to"), null));
        routes.post("/auth/grant", ctx -> {
            Map<String, String> form;
            try {
                form = OAuthParams.form(OAuthParams.body(ctx));
            } catch (OAuthException e) {
                pages.message(ctx, 400, "Cannot continue", "The form was malformed: " + e.description(), true);
                return;
            }
            if (!cookies.csrfValid(ctx, form.get("csrf"))) {
                pages.message(ctx, 403, "Cannot continue", "This form expired. Go back to the application and try again.", true);
                return;
            }
            handle(ctx, form.get("return_to"), form.getOrDefault("decision", ""));
        });
    }

    private void handle(Context ctx, String returnTo, String decision) {
        if (!ReturnTo.valid(returnTo)) {
            pages.message(ctx, 400, "Cannot continue", "This consent link is invalid.", true);
            return;
        }
        AuthorizationRequest request;
        try {
            request = parser.parse(ReturnTo.params(returnTo));
        } catch (AuthorizationError e) {
            // Anything wrong with the request itself is the authorization endpoint's to report.
            AuthorizeRoutes.redirect(ctx, returnTo);
            return;
        }
        Optional<SsoSessionRecord> sso = ssoSessions.find(cookies.sso(ctx));
        Optional<User> user = sso.flatMap(s -> users.find(s.userId())).filter(u -> !u.inactive());
        if (user.isEmpty()) {
            AuthorizeRoutes.redirect(ctx, returnTo);
            return;
        }
        if (decision == null) {
            List<Pages.Scope> scopes = request.scopes().stream().sorted()
                    .map(s -> new Pages.Scope(s, DESCRIPTIONS.getOrDefault(s, ""))).toList();
            String userName = user.get().email() != null ? user.get().email() : user.get().id();
            pages.render(ctx, 200, "consent.jte", new Pages.Consent(cookies.csrfToken(ctx), returnTo,
                    request.client().displayName(), userName, scopes));
        } else if (decision.equals("approve")) {
            consents.grant(user.get().id(), request.client().id(), request.scopes());
            AuthorizeRoutes.redirect(ctx, returnTo);
        } else {
            AuthorizeRoutes.deliver(ctx, endpoint.error(request, "access_denied", "the user denied the request"), pages);
        }
    }
}
