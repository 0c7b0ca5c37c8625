package dev.authbox.ui;

import static dev.authbox.support.BrowserSession.query;
import static dev.authbox.support.BrowserSession.url;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.UiFixtures.BYE;
import static dev.authbox.support.UiFixtures.CB;
import static dev.authbox.support.UiFixtures.PASSWORD;
import static dev.authbox.support.UiFixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.config.Setting;
import dev.authbox.security.RandomTokens;
import dev.authbox.support.BrowserSession;
import dev.authbox.support.BrowserSession.Page;
import dev.authbox.support.BrowserSession.Pkce;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import dev.authbox.support.UiFixtures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login, consent, message and logout pages (issue 4): security headers, CSRF, generic login
 * errors, throttling, the SSO cookie, escaping, local-only return_to, consent and logout.
 */
class PagesTest {
    static final String SSO = "authbox_sso";
    static final String CSRF = "authbox_csrf";

    TestServer server;
    UiFixtures fx;
    BrowserSession browser;
    String firstParty;
    String thirdParty;
    String user;
    Pkce pkce;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(TestDatabase.H2);
        fx = new UiFixtures(server);
        browser = new BrowserSession(server);
        firstParty = fx.confidentialClient(true);
        thirdParty = fx.confidentialClient(false);
        user = fx.user();
        pkce = Pkce.create();
    }

    // ---- headers ----

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        Map<String, Page> pages = new LinkedHashMap<>();
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(thirdParty, "s1", "n1", pkce)));
        pages.put("login", login);
        pages.put("login with wrong password", browser.submitLogin(login, user, "wrong password"));
        pages.put("login without csrf", browser.post("/auth/login", "login", user, "password", PASSWORD));
        Page consent = browser.followLocal(browser.submitLogin(login, user, PASSWORD));
        pages.put("consent", consent);
        pages.put("authorize error", browser.get(url("/auth/authorize", "response_type", "code", "client_id", "nobody")));
        pages.put("signed in message", browser.signIn(user, PASSWORD));
        pages.put("consent without csrf", browser.post("/auth/grant", "return_to", consent.input("return_to"), "decision", "approve"));
        pages.put("logout confirmation", browser.get("/auth/logout"));
        pages.put("form_post", browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce, "response_mode", "form_post")));
        pages.put("signed out", browser.post("/auth/logout", "csrf", browser.cookie(CSRF), "confirm", "yes"));
        pages.put("logout error", browser.get(url("/auth/logout", "id_token_hint", "not-a-jwt")));

        assertThat(pages.get("login").isLoginPage()).isTrue();
        assertThat(pages.get("consent").isConsentPage()).as(pages.get("consent").toString()).isTrue();
        assertThat(pages.get("logout confirmation").body()).contains("action=\"/auth/logout\"");
        assertThat(pages.get("signed out").body()).contains("Signed out");
        pages.forEach((name, p) -> {
            assertThat(p.header("Content-Type")).as(name).startsWith("text/html");
            String csp = p.header("Content-Security-Policy");
            assertThat(csp).as(name + " CSP").isNotNull().contains("frame-ancestors 'none'");
            assertThat(csp).as(name + " CSP").contains("default-src 'none'").doesNotContain("unsafe-inline");
            assertThat(p.header("X-Frame-Options")).as(name).isEqualTo("DENY");
            assertThat(p.header("Referrer-Policy")).as(name).isEqualTo("no-referrer");
            assertThat(p.header("Cache-Control")).as(name).isEqualTo("no-store");
            assertThat(p.body()).as(name).contains("authbox");
        });
        // The stylesheet the CSP allows is served.
        Page css = browser.get("/auth/assets/authbox.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void redirectsOfTheFlowAreNotCachedAndLeakNoReferrer() {
        Page toLogin = browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce));
        Page afterLogin = browser.submitLogin(browser.follow(toLogin), user, PASSWORD);
        Page toClient = browser.follow(afterLogin);
        for (Page p : List.of(toLogin, afterLogin, toClient)) {
            assertThat(p.status()).as(p.toString()).isEqualTo(302);
            assertThat(p.header("Cache-Control")).as(p.url()).isEqualTo("no-store");
            assertThat(p.header("Referrer-Policy")).as(p.url()).isEqualTo("no-referrer");
        }
        assertThat(toClient.location()).startsWith(CB + "?code=");
    }

    // ---- login ----

    @Test
    void loginWithoutCsrfIsRefusedAndStartsNoSession() {
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce)));
        assertThat(login.input("csrf")).isNotBlank().isEqualTo(browser.cookie(CSRF));
        Map<String, String> form = new LinkedHashMap<>(login.hiddenInputs());
        form.remove("csrf");
        form.put("login", user);
        form.put("password", PASSWORD);
        Page p = browser.post("/auth/login", form);
        assertThat(p.status()).as(p.toString()).isEqualTo(403);
        assertNoSession(p);
    }

    @Test
    void loginWithWrongCsrfIsRefusedAndStartsNoSession() {
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce)));
        Map<String, String> form = new LinkedHashMap<>(login.hiddenInputs());
        form.put("csrf", RandomTokens.newToken());
        form.put("login", user);
        form.put("password", PASSWORD);
        Page wrong = browser.post("/auth/login", form);
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(403);
        assertNoSession(wrong);

        // A token from someone else's page, with no cookie of its own (a cross-site form post).
        BrowserSession attacker = new BrowserSession(server);
        Page forged = attacker.post("/auth/login", "csrf", login.input("csrf"), "return_to", login.input("return_to"),
                "login", user, "password", PASSWORD);
        assertThat(forged.status()).as(forged.toString()).isEqualTo(403);
        assertThat(forged.setCookie(SSO)).isNull();
        assertThat(attacker.cookie(SSO)).isNull();
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameGenericMessage() {
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce)));
        Page wrong = browser.submitLogin(login, user, "not the password");
        Page unknown = browser.submitLogin(login, TestServer.uniqueId("nobody"), PASSWORD);
        for (Page p : List.of(wrong, unknown)) {
            assertThat(p.status()).as(p.toString()).isEqualTo(401);
            assertThat(p.isLoginPage()).isTrue();
            assertThat(errorText(p)).isEqualTo("Wrong email, user id or password.");
            assertThat(p.setCookie(SSO)).isNull();
            // The form is ready for another try, with the same request to continue.
            assertThat(p.input("return_to")).isEqualTo(login.input("return_to"));
        }
        assertThat(browser.cookie(SSO)).isNull();
    }

    @Test
    void inactiveUserCannotSignIn() {
        String inactive = TestServer.uniqueId("inactive");
        server.put("/User/" + inactive, "{\"password\":\"" + PASSWORD + "\",\"inactive\":true}");
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce)));
        Page p = browser.submitLogin(login, inactive, PASSWORD);
        assertThat(p.status()).as(p.toString()).isEqualTo(401);
        assertThat(errorText(p)).isEqualTo("Wrong email, user id or password.");
        assertNoSession(p);
    }

    @Test
    void userDeactivatedAfterSigningInLosesTheSession() {
        String person = fx.user();
        assertThat(browser.signIn(person, PASSWORD).status()).isEqualTo(200);
        server.put("/User/" + person, "{\"email\":\"" + person + "@example.com\",\"password\":\"" + PASSWORD + "\",\"inactive\":true}");
        Page p = browser.get(UiFixtures.codeRequest(firstParty, "s-deact", "n1", pkce, "prompt", "none"));
        assertThat(query(p.location())).as(p.toString()).containsEntry("error", "login_required");
    }

    @Test
    void loginIsThrottledAfterTooManyFailures() {
        try (TestServer node = TestServer.start(TestDatabase.H2.freshUrl(), Map.of(Setting.LOGIN_MAX_FAILURES, "2"))) {
            UiFixtures f = new UiFixtures(node);
            String client = f.confidentialClient(true);
            String person = f.user();
            BrowserSession b = new BrowserSession(node);
            Page login = b.followLocal(b.get(UiFixtures.codeRequest(client, "s1", "n1", pkce)));
            assertThat(b.submitLogin(login, person, "wrong-1").status()).isEqualTo(401);
            assertThat(b.submitLogin(login, person, "wrong-2").status()).isEqualTo(401);
            Page blocked = b.submitLogin(login, person, PASSWORD);
            assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
            assertThat(blocked.header("Retry-After")).isNotBlank();
            assertThat(Long.parseLong(blocked.header("Retry-After"))).isPositive();
            assertThat(blocked.isLoginPage()).isTrue();
            assertNoSession(blocked, b);
        }
    }

    // ---- the SSO cookie ----

    @Test
    void ssoCookieIsHttpOnlyLaxAndNotSecureForAnHttpIssuer() {
        Page signedIn = browser.signIn(user, PASSWORD);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        String cookie = signedIn.setCookie(SSO);
        assertThat(cookie).isNotNull();
        List<String> attrs = attributes(cookie);
        assertThat(attrs).contains("httponly", "samesite=lax", "path=/").doesNotContain("secure");
        assertThat(browser.cookie(SSO)).hasSizeGreaterThanOrEqualTo(43);
        List<String> csrf = attributes(new BrowserSession(server).get("/auth/login").setCookie(CSRF));
        assertThat(csrf).contains("httponly", "samesite=lax", "path=/").doesNotContain("secure");
    }

    @Test
    void ssoAndCsrfCookiesAreSecureForAnHttpsIssuer() {
        try (TestServer node = TestServer.start(TestDatabase.H2.freshUrl(), Map.of(Setting.ISSUER, "https://auth.example"))) {
            UiFixtures f = new UiFixtures(node);
            assertThat(f.issuer()).isEqualTo("https://auth.example");
            String person = f.user();
            BrowserSession b = new BrowserSession(node);
            Page login = b.get("/auth/login");
            assertThat(attributes(login.setCookie(CSRF))).contains("secure", "httponly", "samesite=lax");
            Page signedIn = b.submitLogin(login, person, PASSWORD);
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            assertThat(attributes(signedIn.setCookie(SSO))).contains("secure", "httponly", "samesite=lax");
        }
    }

    @Test
    void ssoCookieValueIsStoredOnlyAsItsHash() throws Exception {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        String value = browser.cookie(SSO);
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement("SELECT user_id FROM sso_session WHERE cookie_hash = ?")) {
            st.setString(1, RandomTokens.sha256(value));
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("the session, found by the cookie's hash").isTrue();
                assertThat(rs.getString(1)).isEqualTo(user);
            }
        }
        List<String> leaks = new ArrayList<>();
        try (Connection c = server.connect();
             PreparedStatement st = c.prepareStatement("SELECT * FROM sso_session");
             ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    if (v != null && v.contains(value)) {
                        leaks.add(md.getColumnName(i));
                    }
                }
            }
        }
        assertThat(leaks).as("columns of sso_session holding the cookie value").isEmpty();
    }

    // ---- escaping ----

    @Test
    void clientNameIsEscapedOnTheLoginAndConsentPages() {
        String evil = fx.client("xss", "{\"name\":\"<script>alert(1)</script>\",\"secret\":\"" + SECRET + "\","
                + "\"grant_types\":[\"code\"],\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB + "\"}}}");
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(evil, "s1", "n1", pkce)));
        assertThat(login.isLoginPage()).as(login.toString()).isTrue();
        assertThat(login.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        Page consent = browser.followLocal(browser.submitLogin(login, user, PASSWORD));
        assertThat(consent.isConsentPage()).as(consent.toString()).isTrue();
        assertThat(consent.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        assertThat(consent.body()).doesNotContain("<script");
    }

    @Test
    void loginHintIsEscapedAndKeptIntact() {
        String hint = "\"><img src=x onerror=alert(1)>";
        Page login = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s1", "n1", pkce, "login_hint", hint)));
        assertThat(login.isLoginPage()).as(login.toString()).isTrue();
        assertThat(login.body()).doesNotContain("<img").doesNotContain(hint);
        assertThat(login.input("login")).isEqualTo(hint);
        // Typed back into the form after a failed sign-in, it stays escaped.
        Page failed = browser.submitLogin(login, hint, "whatever");
        assertThat(failed.status()).isEqualTo(401);
        assertThat(failed.body()).doesNotContain("<img").doesNotContain(hint);
        Page direct = browser.get(url("/auth/login", "login_hint", "<script>alert(1)</script>"));
        assertThat(direct.body()).doesNotContain("<script>alert(1)");
    }

    @Test
    void requestValuesEchoedOnErrorAndLogoutPagesAreEscaped() {
        Page unknownClient = browser.get(url("/auth/authorize", "response_type", "code", "client_id", "<script>alert(1)</script>",
                "redirect_uri", CB, "error_description", "<script>alert(2)</script>"));
        assertThat(unknownClient.status()).isEqualTo(400);
        assertThat(unknownClient.body()).doesNotContain("<script>alert(").contains("&lt;script&gt;alert(1)");
        Page badRedirect = browser.get(url("/auth/authorize", "response_type", "code", "client_id", firstParty,
                "redirect_uri", "javascript:alert(1)//\"><svg onload=alert(1)>"));
        assertThat(badRedirect.status()).isEqualTo(400);
        assertThat(badRedirect.body()).doesNotContain("<svg").doesNotContain("javascript:alert");
        Page errorDescription = browser.get(url("/auth/login", "return_to", "/auth/authorize?x", "error",
                "access_denied", "error_description", "<b onmouseover=alert(1)>x</b>"));
        assertThat(errorDescription.body()).doesNotContain("<b onmouseover");

        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page confirm = browser.get(url("/auth/logout", "state", "\"><script>alert(5)</script>", "ui_locales", "<i>en</i>"));
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        assertThat(confirm.body()).doesNotContain("<script>alert(5)").doesNotContain("<i>en</i>");
        assertThat(confirm.input("state")).isEqualTo("\"><script>alert(5)</script>");
    }

    // ---- return_to ----

    @Test
    void returnToMustBeALocalAuthorizationRequest() {
        for (String target : List.of("https://evil.example", "//evil.example", "https://evil.example/auth/authorize?x=1",
                "//evil.example/auth/authorize?x=1", "/\\evil.example", "/auth/authorizex?//evil.example",
                "/auth/../evil", "javascript:alert(1)")) {
            BrowserSession b = new BrowserSession(server);
            Page login = b.get(url("/auth/login", "return_to", target));
            assertThat(login.status()).as(target).isEqualTo(200);
            assertThat(login.input("return_to")).as(target).isEmpty();
            Page posted = b.post("/auth/login", "csrf", b.cookie(CSRF), "return_to", target, "login", user, "password", PASSWORD);
            assertThat(posted.status()).as(target + ": " + posted).isEqualTo(200);
            assertThat(posted.location()).as(target).isNull();
            assertThat(posted.body()).as(target).contains("Signed in").doesNotContain("evil.example");
            Page consent = b.get(url("/auth/grant", "return_to", target));
            assertThat(consent.status()).as(target).isEqualTo(400);
            assertThat(consent.location()).as(target).isNull();
        }
    }

    // ---- consent ----

    @Test
    void consentPageNamesTheClientTheUserAndTheScopes() {
        Page consent = browser.authorize(UiFixtures.codeRequest(thirdParty, "s1", "n1", pkce), user, PASSWORD, null);
        assertThat(consent.isConsentPage()).as(consent.toString()).isTrue();
        assertThat(consent.body()).contains("App").contains(user + "@example.com")
                .contains("openid").contains("profile").contains("email");
        assertThat(consent.input("csrf")).isEqualTo(browser.cookie(CSRF));
        assertThat(consent.input("return_to")).startsWith("/auth/authorize?");
    }

    @Test
    void denyingConsentRedirectsWithAccessDenied() {
        Page p = browser.authorize(UiFixtures.codeRequest(thirdParty, "s-deny", "n1", pkce), user, PASSWORD, "deny");
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        assertThat(p.location()).startsWith(CB + "?");
        Map<String, String> q = query(p.location());
        assertThat(q).containsEntry("error", "access_denied").containsEntry("state", "s-deny")
                .containsEntry("iss", fx.issuer()).doesNotContainKey("code");
        assertThat(grants(user, thirdParty).path("entry").size()).isZero();
    }

    @Test
    void approvingConsentStoresAGrantAndIsNotAskedAgain() {
        Page approved = browser.authorize(UiFixtures.codeRequest(thirdParty, "s-ok", "n1", pkce), user, PASSWORD, "approve");
        assertThat(approved.location()).as(approved.toString()).startsWith(CB + "?");
        assertThat(query(approved.location())).containsKey("code").containsEntry("state", "s-ok");

        JsonNode bundle = grants(user, thirdParty);
        assertThat(bundle.path("entry").size()).as(bundle.toString()).isEqualTo(1);
        JsonNode grant = bundle.path("entry").get(0).path("resource");
        assertThat(grant.path("resourceType").asText()).isEqualTo("Grant");
        assertThat(grant.at("/user/id").asText()).isEqualTo(user);
        assertThat(grant.at("/client/id").asText()).isEqualTo(thirdParty);
        assertThat(scopes(grant)).contains("openid", "profile", "email");

        // Same scopes (or fewer): no consent page this time.
        Page again = browser.get(UiFixtures.codeRequest(thirdParty, "s-again", "n1", pkce, "scope", "openid profile"));
        assertThat(again.location()).as(again.toString()).startsWith(CB + "?");
        assertThat(query(again.location())).containsKey("code");
        // A scope not granted yet: asked again.
        Page wider = browser.followLocal(browser.get(UiFixtures.codeRequest(thirdParty, "s-wider", "n1", pkce,
                "scope", "openid phone")));
        assertThat(wider.isConsentPage()).as(wider.toString()).isTrue();
        // prompt=consent always asks.
        Page forced = browser.followLocal(browser.get(UiFixtures.codeRequest(thirdParty, "s-forced", "n1", pkce,
                "prompt", "consent")));
        assertThat(forced.isConsentPage()).as(forced.toString()).isTrue();
    }

    @Test
    void firstPartyClientsSkipConsent() {
        Page p = browser.authorize(UiFixtures.codeRequest(firstParty, "s-fp", "n1", pkce), user, PASSWORD, null);
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        assertThat(p.location()).startsWith(CB + "?");
        assertThat(query(p.location())).containsKey("code").containsEntry("state", "s-fp");
        Page forced = browser.followLocal(browser.get(UiFixtures.codeRequest(firstParty, "s-forced", "n1", pkce,
                "prompt", "consent")));
        assertThat(forced.isConsentPage()).as("prompt=consent for a first-party client: " + forced).isTrue();
    }

    @Test
    void consentPostWithoutCsrfIsRefused() {
        Page consent = browser.authorize(UiFixtures.codeRequest(thirdParty, "s1", "n1", pkce), user, PASSWORD, null);
        assertThat(consent.isConsentPage()).isTrue();
        Page forged = browser.post("/auth/grant", "return_to", consent.input("return_to"), "decision", "approve",
                "csrf", RandomTokens.newToken());
        assertThat(forged.status()).as(forged.toString()).isEqualTo(403);
        assertThat(forged.location()).isNull();
        assertThat(grants(user, thirdParty).path("entry").size()).isZero();
    }

    @Test
    void consentPageWithoutASessionSendsTheBrowserToSignIn() {
        String returnTo = UiFixtures.codeRequest(thirdParty, "s1", "n1", pkce);
        Page p = browser.get(url("/auth/grant", "return_to", returnTo));
        assertThat(p.status()).isEqualTo(302);
        assertThat(browser.followLocal(p).isLoginPage()).isTrue();
    }

    // ---- logout ----

    @Test
    void logoutWithHintAndRegisteredUriEndsTheSessionsAndRedirects() throws Exception {
        Tokens fp = tokens(firstParty, "openid");
        Tokens tp = tokens(thirdParty, "openid");
        String ssoValue = browser.cookie(SSO);
        assertThat(fx.active(fp.access)).isTrue();

        Page p = browser.get(url("/auth/logout", "id_token_hint", fp.idToken, "post_logout_redirect_uri", BYE,
                "state", "bye state"));
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        assertThat(p.location()).isEqualTo(BYE + "?state=bye+state");
        assertThat(p.setCookie(SSO)).as("the SSO cookie is cleared").isNotNull();
        assertThat(browser.cookie(SSO)).isNull();

        // The session is over on the server, not just forgotten by this browser.
        browser.setCookie(SSO, ssoValue);
        Page none = browser.get(UiFixtures.codeRequest(firstParty, "s-after", "n1", pkce, "prompt", "none"));
        assertThat(query(none.location())).as(none.toString()).containsEntry("error", "login_required");
        // Tokens of first-party clients from this session end with it; third-party ones stay.
        assertThat(fx.active(fp.access)).as("first-party access token after logout").isFalse();
        assertThat(fx.userinfo(fp.access).status()).isEqualTo(401);
        assertThat(fx.active(tp.access)).as("third-party access token after logout").isTrue();
    }

    @Test
    void logoutEndsTheRefreshTokensOfFirstPartySessionsToo() throws Exception {
        Tokens fp = tokens(firstParty, "openid");
        Page p = browser.get(url("/auth/logout", "id_token_hint", fp.idToken, "post_logout_redirect_uri", BYE));
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        HttpResult refresh = server.token(basic(firstParty, SECRET), form("grant_type", "refresh_token", "refresh_token", fp.refresh));
        assertThat(refresh.status()).as("refreshing a first-party session after logout: " + refresh).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void logoutMayReturnToARegisteredRedirectUri() throws Exception {
        Tokens fp = tokens(firstParty, "openid");
        Page p = browser.get(url("/auth/logout", "id_token_hint", fp.idToken, "post_logout_redirect_uri", CB));
        assertThat(p.status()).as(p.toString()).isEqualTo(302);
        assertThat(p.location()).isEqualTo(CB);
    }

    @Test
    void unregisteredPostLogoutRedirectUriIsRefusedWithoutRedirect() throws Exception {
        Tokens fp = tokens(firstParty, "openid");
        for (String target : List.of("https://evil.example/bye", BYE + "/", BYE + "?x=1")) {
            Page p = browser.get(url("/auth/logout", "id_token_hint", fp.idToken, "post_logout_redirect_uri", target,
                    "state", "s"));
            assertThat(p.status()).as(target + ": " + p).isEqualTo(400);
            assertThat(p.location()).as(target).isNull();
        }
        // Nothing ended.
        Page none = browser.get(UiFixtures.codeRequest(firstParty, "s-still", "n1", pkce, "prompt", "none"));
        assertThat(query(none.location())).as(none.toString()).containsKey("code");
        assertThat(fx.active(fp.access)).isTrue();
    }

    @Test
    void logoutWithoutHintAsksForConfirmationFirst() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page confirm = browser.get("/auth/logout");
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        assertThat(confirm.body()).contains("action=\"/auth/logout\"").contains(user + "@example.com");
        assertThat(confirm.input("csrf")).isEqualTo(browser.cookie(CSRF));
        assertThat(confirm.setCookie(SSO)).isNull();
        assertSignedIn();

        // A cross-site POST (no CSRF token) only gets the question again.
        Page forged = browser.post("/auth/logout", "confirm", "yes");
        assertThat(forged.status()).isEqualTo(200);
        assertThat(forged.body()).contains("action=\"/auth/logout\"");
        assertSignedIn();
        Page wrongToken = browser.post("/auth/logout", "confirm", "yes", "csrf", RandomTokens.newToken());
        assertThat(wrongToken.body()).contains("action=\"/auth/logout\"");
        assertSignedIn();

        Map<String, String> form = new LinkedHashMap<>(confirm.hiddenInputs());
        form.put("confirm", "yes");
        Page done = browser.post("/auth/logout", form);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.body()).contains("Signed out");
        assertThat(browser.cookie(SSO)).isNull();
        Page none = browser.get(UiFixtures.codeRequest(firstParty, "s-out", "n1", pkce, "prompt", "none"));
        assertThat(query(none.location())).containsEntry("error", "login_required");
    }

    @Test
    void confirmedLogoutWithClientIdFollowsItsRegisteredUri() {
        assertThat(browser.signIn(user, PASSWORD).status()).isEqualTo(200);
        Page confirm = browser.get(url("/auth/logout", "client_id", firstParty, "post_logout_redirect_uri", BYE, "state", "s9"));
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        assertThat(confirm.location()).isNull();
        assertSignedIn();
        Map<String, String> form = new LinkedHashMap<>(confirm.hiddenInputs());
        form.put("confirm", "yes");
        Page done = browser.post("/auth/logout", form);
        assertThat(done.status()).as(done.toString()).isEqualTo(302);
        assertThat(done.location()).isEqualTo(BYE + "?state=s9");
    }

    @Test
    void forgedIdTokenHintIsRefused() throws Exception {
        Tokens fp = tokens(firstParty, "openid");
        String[] parts = fp.idToken.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        Page p = browser.get(url("/auth/logout", "id_token_hint", tampered, "post_logout_redirect_uri", BYE));
        assertThat(p.status()).as(p.toString()).isEqualTo(400);
        assertThat(p.location()).isNull();
        assertSignedIn();
    }

    // ---- helpers ----

    record Tokens(String access, String refresh, String idToken) {
    }

    /** Runs a code flow in this test's browser (signing in and approving as needed) and redeems the code. */
    private Tokens tokens(String clientId, String scope) {
        Pkce p = Pkce.create();
        String code = fx.code(browser, clientId, user, p, "scope", scope);
        HttpResult r = fx.redeem(clientId, code, p.verifier());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode b = r.json();
        return new Tokens(b.get("access_token").asText(), b.path("refresh_token").asText(null), b.path("id_token").asText(null));
    }

    private void assertSignedIn() {
        Page p = browser.get(UiFixtures.codeRequest(firstParty, "s-check", "n1", Pkce.create(), "prompt", "none"));
        assertThat(query(p.location())).as("still signed in: " + p).containsKey("code");
    }

    private void assertNoSession(Page response) {
        assertNoSession(response, browser);
    }

    private static void assertNoSession(Page response, BrowserSession b) {
        assertThat(response.setCookie(SSO)).as("SSO cookie set by " + response.url()).isNull();
        assertThat(b.cookie(SSO)).isNull();
    }

    private JsonNode grants(String userId, String clientId) {
        HttpResult r = server.get("/Grant?user=" + userId + "&client=" + clientId, TestServer.adminBasic());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("resourceType").asText()).isEqualTo("Bundle");
        return r.json();
    }

    private static List<String> scopes(JsonNode grant) {
        JsonNode scope = grant.path("scope");
        List<String> out = new ArrayList<>();
        if (scope.isArray()) {
            scope.forEach(s -> out.add(s.asText()));
        } else {
            out.addAll(List.of(scope.asText().split(" ")));
        }
        return out;
    }

    /** The text of the page's error paragraph. */
    private static String errorText(Page p) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<p class=\"error\"[^>]*>([^<]*)</p>").matcher(p.body());
        assertThat(m.find()).as("an error message on " + p).isTrue();
        return BrowserSession.unescape(m.group(1));
    }

    /** A Set-Cookie header's attributes, lower-cased, without the name=value. */
    private static List<String> attributes(String setCookie) {
        assertThat(setCookie).isNotNull();
        List<String> attrs = new ArrayList<>();
        String[] parts = setCookie.split(";");
        for (int i = 1; i < parts.length; i++) {
            attrs.add(parts[i].trim().toLowerCase());
        }
        return attrs;
    }
}
