package dev.authbox.ui;

import dev.authbox.http.ClientAddresses;
import dev.authbox.http.OAuthParams;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.SsoSessions;
import dev.authbox.oauth.UserAuthenticator;
import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.resource.User;
import dev.authbox.security.LoginThrottle;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** {@code GET/POST /auth/login}: the sign-in page, throttled like the password grant. */
public final class LoginRoutes {
    private final UserAuthenticator users;
    private final SsoSessions ssoSessions;
    private final ClientDirectory clients;
    private final BrowserCookies cookies;
    private final PageRenderer pages;
    private final ClientAddresses addresses;

    public LoginRoutes(UserAuthenticator users, SsoSessions ssoSessions, ClientDirectory clients, BrowserCookies cookies,
                       PageRenderer pages, ClientAddresses addresses) {
        this.addresses = addresses;
        this.users = users;
        this.ssoSessions = ssoSessions;
        this.clients = clients;
        this.cookies = cookies;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.get("/auth/login", this::show);
        routes.post("/auth/login", this::submit);
    }

    private void show(Context ctx) {
        String returnTo = ctx.queryParam("return_to");
        render(ctx, 200, ReturnTo.valid(returnTo) ? returnTo : "", ctx.queryParam("login_hint"), null);
    }

    private void submit(Context ctx) {
        Map<String, String> form;
        try {
            form = OAuthParams.form(OAuthParams.body(ctx));
        } catch (OAuthException e) {
            pages.message(ctx, 400, "Cannot sign in", "The form was malformed: " + e.description(), true);
            return;
        }
        String returnTo = ReturnTo.valid(form.get("return_to")) ? form.get("return_to") : "";
        String login = form.getOrDefault("login", "").trim();
        if (!cookies.csrfValid(ctx, form.get("csrf"))) {
            render(ctx, 403, returnTo, login, "Your sign-in form expired. Please try again.");
            return;
        }
        if (login.isEmpty() || login.length() > 320 || form.getOrDefault("password", "").isEmpty()) {
            render(ctx, 400, returnTo, login, "Enter your email or user id and your password.");
            return;
        }
        User user;
        try {
            user = users.authenticate(login, form.get("password"), addresses.clientAddress(ctx));
        } catch (LoginThrottle.ThrottledException e) {
            ctx.header("Retry-After", Long.toString(e.retryAfter()));
            render(ctx, 429, returnTo, login, "Too many failed attempts. Try again in " + e.retryAfter() + " seconds.");
            return;
        } catch (OAuthException e) {
            render(ctx, 401, returnTo, login, "Wrong email, user id or password.");
            return;
        }
        SsoSessions.Started started = ssoSessions.start(user.id());
        cookies.setSso(ctx, started.cookieValue(), ssoSessions.lifetimeSeconds());
        if (returnTo.isEmpty()) {
            pages.message(ctx, 200, "Signed in", "You are signed in. You can close this page.", false);
        } else {
            AuthorizeRoutes.redirect(ctx, returnTo);
        }
    }

    private void render(Context ctx, int status, String returnTo, String loginHint, String error) {
        pages.render(ctx, status, "login.jte", new Pages.Login(cookies.csrfToken(ctx), returnTo,
                loginHint == null ? "" : loginHint, clientName(returnTo), error));
    }

    private String clientName(String returnTo) {
        if (returnTo.isEmpty()) {
            return null;
        }
        List<String> ids = ReturnTo.params(returnTo).get("client_id");
        return ids == null || ids.size() != 1 ? null : clients.find(ids.get(0)).map(Client::displayName).orElse(null);
    }
}
