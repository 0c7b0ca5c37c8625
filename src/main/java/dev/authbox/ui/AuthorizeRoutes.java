package dev.authbox.ui;

import dev.authbox.http.OAuthParams;
import dev.authbox.oauth.AuthorizationEndpoint;
import dev.authbox.oauth.AuthorizationError;
import dev.authbox.oauth.AuthorizationOutcome;
import dev.authbox.oauth.AuthorizationRequest;
import dev.authbox.oauth.AuthorizationRequestParser;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.SsoSessions;
import dev.authbox.security.RandomTokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET/POST /auth/authorize} (alias {@code /oauth2/authorize}): the browser's entry to the code and implicit flows. */
public final class AuthorizeRoutes {
    private final AuthorizationRequestParser parser;
    private final AuthorizationEndpoint endpoint;
    private final SsoSessions ssoSessions;
    private final BrowserCookies cookies;
    private final PageRenderer pages;

    public AuthorizeRoutes(AuthorizationRequestParser parser, AuthorizationEndpoint endpoint, SsoSessions ssoSessions,
                           BrowserCookies cookies, PageRenderer pages) {
        this.parser = parser;
        this.endpoint = endpoint;
        this.ssoSessions = ssoSessions;
        this.cookies = cookies;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        for (String path : new String[] {"/auth/authorize", "/oauth2/authorize"}) {
            routes.get(path, this::authorize);
            routes.post(path, this::authorize);
        }
        routes.get("/auth/assets/authbox.css", ctx -> ctx.header("Cache-Control", "public, max-age=3600")
                .contentType("text/css; charset=utf-8").result(Assets.CSS));
    }

    private void authorize(Context ctx) {
        AuthorizationOutcome outcome;
        try {
            AuthorizationRequest request = parser.parse(params(ctx));
            outcome = endpoint.decide(request, ssoSessions.find(cookies.sso(ctx)));
        } catch (AuthorizationError e) {
            if (e.target() == null) {
                pages.message(ctx, 400, "Cannot continue", "The application sent an invalid request: " + e.description()
                        + ". Nothing was sent back to it.", true);
                return;
            }
            outcome = endpoint.error(e.target(), e.error(), e.description());
        }
        deliver(ctx, outcome, pages);
    }

    /** Sends the browser where the outcome says: to sign in, to consent, or back to the client. */
    static void deliver(Context ctx, AuthorizationOutcome outcome, PageRenderer pages) {
        if (outcome instanceof AuthorizationOutcome.Login login) {
            String url = "/auth/login?return_to=" + enc(login.returnTo())
                    + (login.loginHint() == null ? "" : "&login_hint=" + enc(login.loginHint()));
            redirect(ctx, url);
        } else if (outcome instanceof AuthorizationOutcome.Consent consent) {
            redirect(ctx, "/auth/grant?return_to=" + enc(consent.returnTo()));
        } else if (outcome instanceof AuthorizationOutcome.Respond respond) {
            if ("form_post".equals(respond.responseMode())) {
                String nonce = RandomTokens.newId();
                pages.render(ctx, 200, "form_post.jte", new Pages.FormPost(respond.redirectUri(), respond.params(), nonce), nonce);
                return;
            }
            StringBuilder query = new StringBuilder();
            respond.params().forEach((k, v) -> query.append(query.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
            String separator = "fragment".equals(respond.responseMode()) ? "#" : respond.redirectUri().contains("?") ? "&" : "?";
            redirect(ctx, respond.redirectUri() + separator + query);
        }
    }

    static void redirect(Context ctx, String location) {
        ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        ctx.header("Location", location).status(302);
    }

    private static Map<String, List<String>> params(Context ctx) {
        try {
            if ("POST".equals(ctx.method().name())) {
                String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
                if (!type.startsWith("application/x-www-form-urlencoded")) {
                    throw AuthorizationError.page("a POST to the authorization endpoint must be a form");
                }
                return OAuthParams.multi(OAuthParams.body(ctx));
            }
            return OAuthParams.multi(ctx.queryString());
        } catch (OAuthException e) {
            throw AuthorizationError.page(e.description());
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
