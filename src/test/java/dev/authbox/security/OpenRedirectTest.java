package dev.authbox.security;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No request makes authbox send a browser anywhere but to a URI registered for the client: not the
 * authorization endpoint (near-miss redirect_uris, with and without a signed-in user, in every
 * response type and mode), not logout ({@code post_logout_redirect_uri}), not the login and
 * consent pages ({@code return_to}). Every Location and every form_post action is checked, along
 * the whole redirect chain a browser would follow.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class OpenRedirectTest {
    private static final String CB = "https://app.example/cb";
    private static final String CB_WITH_QUERY = "https://app.example/cb2?tenant=1";
    private static final String BYE = "https://app.example/bye";
    private static final String THIRD_CB = "https://third.example/cb";
    private static final String EVIL_BYE = "https://evil.example/bye";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]*)\"");

    @Parameter
    TestDatabase db;

    TestServer server;
    final String webSecret = "web-" + System.nanoTime();
    final String thirdSecret = "third-" + System.nanoTime();
    final String password = "alice-pw-" + System.nanoTime();
    String webIdToken;
    String thirdIdToken;
    /** Targets that are fine for each client: what it registered (redirect and post-logout URIs). */
    final Set<String> registered = Set.of(CB, CB_WITH_QUERY, BYE, THIRD_CB, EVIL_BYE);

    @BeforeEach
    void setUp() {
        server = TestServer.start(db.freshUrl(), Map.of(Setting.LOGIN_MAX_FAILURES, "1000"));
        server.put("/Client/web", "{\"secret\":\"" + webSecret + "\",\"first_party\":true,"
                + "\"grant_types\":[\"code\",\"implicit\",\"password\"],\"post_logout_redirect_uris\":[\"" + BYE + "\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":[\"" + CB + "\",\"" + CB_WITH_QUERY + "\"],\"pkce\":true},"
                + "\"implicit\":{\"redirect_uri\":\"" + CB + "\"}}}");
        server.put("/Client/third", "{\"secret\":\"" + thirdSecret + "\",\"first_party\":false,\"grant_types\":[\"code\",\"password\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + THIRD_CB + "\",\"pkce\":true}}}");
        // A client that registered an attacker's post-logout URI: usable only for its own users' logouts.
        server.put("/Client/evilclient", "{\"secret\":\"evil-" + System.nanoTime() + "\",\"grant_types\":[\"code\"],"
                + "\"post_logout_redirect_uris\":[\"" + EVIL_BYE + "\"],\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + EVIL_BYE + "\"}}}");
        server.put("/User/alice", "{\"email\":\"alice@example.com\",\"password\":\"" + password + "\"}");
        webIdToken = server.token(basic("web", webSecret), form("grant_type", "password", "username", "alice",
                "password", password, "scope", "openid")).json().get("id_token").asText();
        thirdIdToken = server.token(basic("third", thirdSecret), form("grant_type", "password", "username", "alice",
                "password", password, "scope", "openid")).json().get("id_token").asText();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    // ---- the authorization endpoint ----

    @Test
    void authorizeNeverRedirectsToAnUnregisteredRedirectUri() {
        SoftAssertions soft = new SoftAssertions();
        Browser signedIn = signedInBrowser();
        Browser anonymous = new Browser(server);
        List<String> variants = new ArrayList<>(HostileRequests.lookalikes(CB));
        variants.addAll(HostileRequests.lookalikes(CB_WITH_QUERY));
        variants.addAll(List.of(THIRD_CB, BYE, EVIL_BYE, "https://app.example/cb2", "https://app.example/cb2?tenant=2",
                "https://app.example/cb2?tenant=1&x=https://evil.example", "https://app.example/cb2?tenant=1#", "https://app.example/cb2?tenant=10"));
        variants.removeAll(registeredFor("web"));
        int checked = 0;
        for (String redirect : variants) {
            for (String type : List.of("code", "token", "code id_token")) {
                for (String mode : new String[] {null, "form_post", "query", "fragment"}) {
                    // Signed in (a response would be ready to send), and anonymous with prompt=none (an error would be).
                    for (boolean anonymousPromptNone : List.of(false, true)) {
                        if (anonymousPromptNone && mode != null && !mode.equals("form_post")) {
                            continue;
                        }
                        String query = "client_id=web&response_type=" + enc(type) + "&redirect_uri=" + enc(redirect)
                                + "&state=s&nonce=n&scope=openid&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"
                                + (mode == null ? "" : "&response_mode=" + mode) + (anonymousPromptNone ? "&prompt=none" : "");
                        Browser b = anonymousPromptNone ? anonymous : signedIn;
                        HttpResult r = b.get("/auth/authorize?" + query);
                        soft.assertThat(r.status()).as("redirect_uri %s (%s, %s): %s", redirect, type, mode, r).isEqualTo(400);
                        soft.assertThat(r.header("Location")).as("redirect_uri %s", redirect).isNull();
                        soft.assertThat(formActions(r)).as("redirect_uri %s", redirect).isEmpty();
                        checked++;
                        if (mode == null && !anonymousPromptNone) {
                            HttpResult post = signedIn.postForm("/auth/authorize", decode(query));
                            soft.assertThat(post.status()).as("POST redirect_uri %s: %s", redirect, post).isEqualTo(400);
                            soft.assertThat(post.header("Location")).isNull();
                        }
                    }
                }
            }
        }
        // Two redirect_uris, one of them registered; and none given while two are registered.
        for (String q : List.of("redirect_uri=" + enc(CB) + "&redirect_uri=" + enc("https://evil.example/"),
                "redirect_uri=" + enc("https://evil.example/") + "&redirect_uri=" + enc(CB), "")) {
            HttpResult r = signedIn.get("/auth/authorize?client_id=web&response_type=code&state=s&code_challenge=" + CHALLENGE
                    + "&code_challenge_method=S256" + (q.isEmpty() ? "" : "&" + q));
            soft.assertThat(r.status()).as(q + ": " + r).isEqualTo(400);
            soft.assertThat(r.header("Location")).isNull();
        }
        soft.assertThat(checked).isGreaterThan(800);
        soft.assertAll();
    }

    @Test
    void validRequestsAndTheirErrorsGoExactlyToTheRegisteredUri() {
        SoftAssertions soft = new SoftAssertions();
        Browser signedIn = signedInBrowser();
        List<String> hostileStates = List.of("#@evil.example", "&redirect_uri=https://evil.example/", "x\r\nLocation: https://evil.example",
                "https://evil.example", "?\\@evil.example/", "%23%40evil.example", "\u00e9\u202e");
        for (String redirect : List.of(CB, CB_WITH_QUERY)) {
            for (String state : hostileStates) {
                for (String extra : List.of("", "&prompt=bogus", "&response_mode=form_post", "&scope=" + enc("openid <script>"),
                        "&code_challenge_method=plain")) {
                    String url = "/auth/authorize?client_id=web&response_type=code&redirect_uri=" + enc(redirect) + "&state=" + enc(state)
                            + "&code_challenge=" + CHALLENGE + (extra.contains("code_challenge_method") ? "" : "&code_challenge_method=S256") + extra;
                    HttpResult r = signedIn.get(url);
                    if (extra.contains("form_post")) {
                        soft.assertThat(r.status()).as(url + ": " + r).isEqualTo(200);
                        soft.assertThat(formActions(r)).as(url).containsExactly(redirect);
                        continue;
                    }
                    soft.assertThat(r.status()).as(url + ": " + r).isEqualTo(302);
                    String location = r.header("Location");
                    soft.assertThat(unsafe(location)).as(url).isNull();
                    soft.assertThat(location).as(url).startsWith(redirect + (redirect.contains("?") ? "&" : "?"));
                    soft.assertThat(Browser.params(location, '?').get("state")).as("state comes back intact").isEqualTo(state);
                }
            }
        }
        // Implicit: tokens in the fragment of the registered URI, never anywhere else.
        HttpResult implicit = signedIn.get("/auth/authorize?client_id=web&response_type=token&redirect_uri=" + enc(CB)
                + "&state=" + enc("#@evil.example"));
        soft.assertThat(implicit.header("Location")).as(implicit.toString()).startsWith(CB + "#");
        soft.assertThat(unsafe(implicit.header("Location"))).isNull();
        soft.assertAll();
    }

    // ---- logout ----

    @Test
    void logoutRedirectsOnlyToAPostLogoutUriRegisteredForTheClient() {
        SoftAssertions soft = new SoftAssertions();
        List<String> variants = new ArrayList<>(HostileRequests.lookalikes(BYE));
        variants.addAll(List.of(THIRD_CB, EVIL_BYE, "https://app.example/cb2", "javascript:alert(document.domain)", "/\\evil.example",
                "//evil.example/bye", "/auth/../../evil"));
        variants.removeAll(registeredFor("web"));
        for (String uri : variants) {
            for (String identify : List.of("", "&client_id=web", "&id_token_hint=" + enc(webIdToken),
                    "&client_id=web&id_token_hint=" + enc(webIdToken))) {
                for (boolean withSession : List.of(false, true)) {
                    Browser b = withSession ? signedInBrowser() : new Browser(server);
                    String q = "post_logout_redirect_uri=" + enc(uri) + identify + "&state=s";
                    HttpResult get = b.get("/auth/logout?" + q);
                    soft.assertThat(get.status()).as("GET %s with %s: %s", uri, identify, get).isEqualTo(400);
                    soft.assertThat(get.header("Location")).as(uri).isNull();
                    HttpResult post = b.postForm("/auth/logout", decode(q));
                    soft.assertThat(post.status()).as("POST %s with %s: %s", uri, identify, post).isEqualTo(400);
                    soft.assertThat(post.header("Location")).as(uri).isNull();
                    if (withSession) {
                        soft.assertThat(b.get("/auth/logout").status()).as("still signed in (confirmation page)").isEqualTo(200);
                    }
                }
            }
        }
        // Registered, but for whom? Nobody named: refused. Another client's URI: refused.
        for (String q : List.of("post_logout_redirect_uri=" + enc(BYE),
                "post_logout_redirect_uri=" + enc(BYE) + "&id_token_hint=" + enc(thirdIdToken),
                "post_logout_redirect_uri=" + enc(BYE) + "&client_id=third",
                "post_logout_redirect_uri=" + enc(EVIL_BYE) + "&id_token_hint=" + enc(webIdToken),
                "post_logout_redirect_uri=" + enc(EVIL_BYE) + "&id_token_hint=" + enc(webIdToken) + "&client_id=evilclient",
                "post_logout_redirect_uri=" + enc(BYE) + "&post_logout_redirect_uri=" + enc(EVIL_BYE) + "&client_id=web")) {
            HttpResult r = signedInBrowser().get("/auth/logout?" + q);
            soft.assertThat(r.status()).as(q + ": " + r).isEqualTo(400);
            soft.assertThat(r.header("Location")).as(q).isNull();
        }
        // The control: the registered URI with a matching hint goes there, with the state, and nowhere else.
        HttpResult ok = signedInBrowser().get("/auth/logout?post_logout_redirect_uri=" + enc(BYE) + "&id_token_hint=" + enc(webIdToken)
                + "&state=" + enc("#@evil.example"));
        soft.assertThat(ok.status()).as(ok.toString()).isEqualTo(302);
        soft.assertThat(ok.header("Location")).isEqualTo(BYE + "?state=" + enc("#@evil.example"));
        soft.assertAll();
    }

    // ---- the login and consent pages ----

    static List<String> returnToVariants(int port) {
        String evilInside = "/auth/authorize?client_id=web&response_type=code&code_challenge=" + CHALLENGE
                + "&code_challenge_method=S256&redirect_uri=";
        return List.of("https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
                "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example",
                "http://127.0.0.1:" + port + "/auth/authorize?client_id=web", "http://localhost:" + port + "@evil.example/",
                "/auth/authorize/../../evil", "/auth/authorize#@evil.example", "/auth/authorize?x#@evil.example",
                "/auth/authorize?x=\\@evil.example", "/auth/authorize?x\r\nLocation: https://evil.example",
                "/auth/authorize?\u0000", "/auth/authorize?x=%0d%0aLocation:%20https://evil.example", "%2F%2Fevil.example",
                "/%2F%2Fevil.example", "/auth/authorize%3Fx", "/./auth/authorize?x", "/auth/authorize?https://evil.example",
                "/auth/authorize?\u00e9vil", " /auth/authorize?client_id=web", "/auth/authorize ?client_id=web",
                evilInside + enc("https://evil.example/"), evilInside + enc("https://app.example@evil.example/cb"),
                evilInside + enc(CB + "/../evil"), evilInside + enc(CB) + "&redirect_uri=" + enc("https://evil.example/"),
                "/auth/authorize?client_id=evilclient&response_type=code&redirect_uri=" + enc(CB),
                "/auth/authorize?client_id=web&response_type=token&redirect_uri=" + enc("https://evil.example/cb"),
                "/auth/authorize?client_id=web&response_type=code&response_mode=form_post&code_challenge=" + CHALLENGE
                        + "&code_challenge_method=S256&redirect_uri=" + enc("https://evil.example/"),
                // The control: a genuine authorization request, which ends at the registered URI with a code.
                evilInside + enc(CB) + "&state=" + enc("#@evil.example"));
    }

    @Test
    void loginReturnToNeverLeavesAuthbox() {
        SoftAssertions soft = new SoftAssertions();
        int port = URI.create(server.base).getPort();
        for (String returnTo : returnToVariants(port)) {
            Browser b = new Browser(server);
            HttpResult page = b.get("/auth/login?return_to=" + enc(returnTo));
            soft.assertThat(page.status()).as("login page for %s", returnTo).isEqualTo(200);
            String kept = Browser.hidden(page, "return_to");
            soft.assertThat(kept.isEmpty() || kept.startsWith("/auth/authorize?")).as("return_to kept as %s", kept).isTrue();
            HttpResult signedIn = b.postForm("/auth/login", "csrf", Browser.hidden(page, "csrf"), "return_to", returnTo,
                    "login", "alice", "password", password);
            soft.assertThat(signedIn.status()).as("sign-in with return_to %s: %s", returnTo, signedIn).isIn(200, 302);
            for (String hop : follow(b, signedIn)) {
                soft.assertThat(unsafe(hop)).as("with return_to %s the chain went to %s", returnTo, hop).isNull();
            }
            // A failed sign-in keeps nothing unsafe either.
            HttpResult failed = b.postForm("/auth/login", "csrf", Browser.hidden(page, "csrf"), "return_to", returnTo,
                    "login", "alice", "password", "wrong");
            soft.assertThat(failed.header("Location")).as("failed sign-in with %s", returnTo).isNull();
        }
        soft.assertAll();
    }

    @Test
    void consentReturnToNeverLeavesAuthbox() {
        SoftAssertions soft = new SoftAssertions();
        int port = URI.create(server.base).getPort();
        List<String> variants = new ArrayList<>(returnToVariants(port));
        String thirdInside = "/auth/authorize?client_id=third&response_type=code&code_challenge=" + CHALLENGE
                + "&code_challenge_method=S256&scope=openid&redirect_uri=";
        variants.addAll(List.of(thirdInside + enc("https://evil.example/"), thirdInside + enc(THIRD_CB + "x"),
                thirdInside + enc(THIRD_CB) + "&state=" + enc("#@evil.example")));
        for (String returnTo : variants) {
            for (String decision : List.of("approve", "deny")) {
                Browser b = signedInBrowser();
                HttpResult shown = b.get("/auth/grant?return_to=" + enc(returnTo));
                soft.assertThat(shown.status()).as("consent page for %s: %s", returnTo, shown).isIn(200, 302, 400);
                for (String hop : follow(b, shown)) {
                    soft.assertThat(unsafe(hop)).as("GET consent with return_to %s went to %s", returnTo, hop).isNull();
                }
                String csrf = b.cookie("authbox_csrf");
                if (csrf == null) {
                    csrf = Browser.hidden(b.get("/auth/login"), "csrf");
                }
                HttpResult posted = b.postForm("/auth/grant", "csrf", csrf, "return_to", returnTo, "decision", decision);
                soft.assertThat(posted.status()).as("consent %s with return_to %s: %s", decision, returnTo, posted).isIn(200, 302, 400);
                for (String hop : follow(b, posted)) {
                    soft.assertThat(unsafe(hop)).as("consent %s with return_to %s went to %s", decision, returnTo, hop).isNull();
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void approvingAConsentForARequestWithoutScopeEndsAtTheRegisteredUri() {
        // A plain OAuth request (no scope) with prompt=consent: the consent page is shown, and approving
        // it must lead back to the client, not strand the user on an error.
        Browser b = signedInBrowser();
        HttpResult toConsent = b.get("/auth/authorize?client_id=third&response_type=code&redirect_uri=" + enc(THIRD_CB)
                + "&state=s1&prompt=consent&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(toConsent.header("Location")).as(toConsent.toString()).startsWith("/auth/grant?");
        HttpResult page = b.get(toConsent.header("Location"));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        HttpResult approved = b.postForm("/auth/grant", "csrf", Browser.hidden(page, "csrf"),
                "return_to", Browser.hidden(page, "return_to"), "decision", "approve");
        assertThat(approved.status()).as("approving the consent: %s", approved).isEqualTo(302);
        List<String> hops = follow(b, approved);
        assertThat(hops).as("redirect chain").isNotEmpty();
        assertThat(hops.get(hops.size() - 1)).startsWith(THIRD_CB + "?code=");
    }

    // ---------------------------------------------------------------------------------------------

    private Browser signedInBrowser() {
        Browser b = new Browser(server);
        HttpResult page = b.get("/auth/login");
        HttpResult in = b.postForm("/auth/login", "csrf", Browser.hidden(page, "csrf"), "return_to", "", "login", "alice",
                "password", password);
        assertThat(in.status()).as(in.toString()).isEqualTo(200);
        assertThat(b.cookie("authbox_sso")).isNotNull();
        return b;
    }

    private Set<String> registeredFor(String client) {
        return client.equals("web") ? Set.of(CB, CB_WITH_QUERY, BYE) : Set.of(THIRD_CB);
    }

    /**
     * Follows local redirects like a browser (at most 10 hops) and returns every place it was sent
     * to, including the final external one and every form_post action on the way.
     */
    private List<String> follow(Browser b, HttpResult first) {
        List<String> hops = new ArrayList<>(formActions(first));
        HttpResult r = first;
        for (int i = 0; i < 10; i++) {
            String location = r.header("Location");
            if (location == null) {
                break;
            }
            hops.add(location);
            if (!location.startsWith("/") || location.startsWith("//") || location.contains("\\")) {
                break; // outside authbox: checked by the caller, not followed
            }
            r = b.get(location);
            hops.addAll(formActions(r));
        }
        return hops;
    }

    private static List<String> formActions(HttpResult r) {
        List<String> out = new ArrayList<>();
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("text/html")) {
            return out;
        }
        Matcher m = FORM_ACTION.matcher(r.body());
        while (m.find()) {
            String action = Browser.unescape(m.group(1));
            if (!action.startsWith("/auth/")) {
                out.add(action);
            }
        }
        return out;
    }

    /** Null when the browser stays on authbox's own pages or goes exactly to a registered URI. */
    private String unsafe(String location) {
        if (location == null) {
            return null;
        }
        if (location.startsWith("/")) {
            return location.startsWith("/auth/") && !location.startsWith("//") && location.indexOf('\\') < 0
                    && location.chars().noneMatch(c -> c < 0x21) ? null : "local but outside /auth/: " + location;
        }
        try {
            URI u = new URI(location);
            if (u.getRawUserInfo() != null) {
                return "userinfo in " + location;
            }
            String base = u.getScheme() + "://" + u.getRawAuthority() + u.getRawPath();
            for (String reg : registered) {
                URI ru = URI.create(reg);
                String regBase = ru.getScheme() + "://" + ru.getRawAuthority() + ru.getRawPath();
                if (base.equals(regBase) && (ru.getRawQuery() == null || location.startsWith(reg))) {
                    return null;
                }
            }
            return "outside the registered URIs: " + location;
        } catch (Exception e) {
            return "unparseable: " + location;
        }
    }

    private static String[] decode(String query) {
        String[] parts = query.split("[&=]", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = java.net.URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        return parts;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
