package dev.authbox.ui;

import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.UiFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.authbox.support.BrowserSession;
import dev.authbox.support.BrowserSession.Pkce;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import dev.authbox.support.UiFixtures;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real browser through the code flow with PKCE (issue 4): Playwright drives Debian's Chromium
 * ({@code /usr/bin/chromium}, never a downloaded one: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set here
 * and in the pom, and the node driver comes inside the Playwright jar) through the login and
 * consent pages to a redirect target this test serves; then the test redeems the code and checks
 * the ID token. Screenshots of the pages at desktop and phone widths go to {@code target/}.
 */
class BrowserFlowTest {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync");
    static final long STARTED = System.nanoTime();

    static TestServer server;
    static HttpServer target;
    static final BlockingQueue<String> REDIRECTS = new LinkedBlockingQueue<>();
    static String redirectUri;
    static Playwright playwright;
    static Browser chromium;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("Debian's chromium package (.ci/run installs it)").isTrue();
        server = TestServer.shared(TestDatabase.H2);
        // The client's redirect target: records the query it is sent to.
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/cb", exchange -> {
            REDIRECTS.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            byte[] body = "<!doctype html><title>Test client</title><h1>Back at the client</h1>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        redirectUri = "http://127.0.0.1:" + target.getAddress().getPort() + "/cb";
        Files.createDirectories(Paths.get("target"));
        lap("node and redirect target ready");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        chromium = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(CHROMIUM_ARGS));
        lap("chromium " + chromium.version() + " launched");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (target != null) {
            target.stop(0);
        }
    }

    @Test
    void signsInConsentsAndGetsAVerifiedIdToken() throws Exception {
        UiFixtures fx = new UiFixtures(server);
        String client = spaClient(fx);
        String user = fx.user();
        Pkce pkce = Pkce.create();
        String state = "state-" + System.nanoTime();
        String nonce = "nonce-" + System.nanoTime();
        String authorize = authorizeUrl(client, state, nonce, pkce);

        // A phone: the login and consent pages at 390x844, fitting the width.
        try (BrowserContext phone = chromium.newContext(phone())) {
            Page page = phone.newPage();
            page.navigate(authorize);
            assertThat(page.url()).startsWith(server.base + "/auth/login?");
            assertNoHorizontalScroll(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target/login-page-mobile.png")).setFullPage(true));
            signIn(page, user + "@example.com");
            assertNoHorizontalScroll(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target/consent-page-mobile.png")).setFullPage(true));
        }
        lap("phone pages done");

        // A desktop: through to the client.
        try (BrowserContext desktop = chromium.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800))) {
            Page page = desktop.newPage();
            page.navigate(authorize);
            assertThat(page.url()).startsWith(server.base + "/auth/login?");
            assertThat(page.title()).contains("Sign in").contains("authbox");
            assertThat(page.textContent("main")).contains("Notes App");
            page.fill("#login", user);
            page.fill("#password", PASSWORD);
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target/login-page.png")).setFullPage(true));
            page.click("button[type=submit]");

            page.waitForURL(u -> u.startsWith(server.base + "/auth/grant"));
            assertThat(page.textContent("h1")).isEqualTo("Allow access?");
            assertThat(page.textContent("main")).contains("Notes App").contains(user + "@example.com")
                    .contains("openid").contains("profile").contains("email");
            page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target/consent-page.png")).setFullPage(true));
            REDIRECTS.clear();
            page.click("button[value=approve]");

            page.waitForURL(u -> u.startsWith(redirectUri));
            assertThat(page.textContent("h1")).isEqualTo("Back at the client");
        }
        lap("desktop flow done");

        String query = REDIRECTS.poll(5, TimeUnit.SECONDS);
        assertThat(query).as("the redirect target was called").isNotNull();
        Map<String, String> q = BrowserSession.decodeParams(query);
        assertThat(q).containsEntry("state", state).containsEntry("iss", fx.issuer()).containsKey("code");
        HttpResult r = server.token(null, form("grant_type", "authorization_code", "code", q.get("code"),
                "redirect_uri", redirectUri, "client_id", client, "code_verifier", pkce.verifier()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("access_token").asText()).isNotBlank();

        SignedJWT idToken = fx.verifiedJwt(r.json().get("id_token").asText());
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(fx.issuer());
        assertThat(c.getSubject()).isEqualTo(user);
        assertThat(c.getAudience()).containsExactly(client);
        assertThat(c.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(c.getStringClaim("name")).isEqualTo("Alice Liddell");
    }

    @Test
    void consentButtonsFormOneRowOnPhoneAndDesktop() {
        UiFixtures fx = new UiFixtures(server);
        String client = spaClient(fx);
        String user = fx.user();
        List<String> rows = new ArrayList<>();
        for (Browser.NewContextOptions device : List.of(phone(), new Browser.NewContextOptions().setViewportSize(1280, 800))) {
            try (BrowserContext context = chromium.newContext(device)) {
                Page page = context.newPage();
                page.navigate(authorizeUrl(client, "s", "n", Pkce.create()));
                signIn(page, user);
                BoundingBox deny = page.locator("button[value=deny]").boundingBox();
                BoundingBox allow = page.locator("button[value=approve]").boundingBox();
                boolean aligned = Math.abs(deny.y - allow.y) < 1.5 && Math.abs(deny.height - allow.height) < 1.5;
                rows.add(String.format("%.0f px wide: Deny top %.0f height %.0f, Allow top %.0f height %.0f: %s",
                        page.viewportSize().width * 1.0, deny.y, deny.height, allow.y, allow.height,
                        aligned ? "aligned" : "misaligned"));
            }
        }
        lap("consent layout checked");
        assertThat(rows).as("Deny and Allow side by side, same top and height").allSatisfy(row ->
                assertThat(row).endsWith(": aligned"));
    }

    // ---- helpers ----

    private static String spaClient(UiFixtures fx) {
        return fx.client("spa", "{\"name\":\"Notes App\",\"first_party\":false,\"grant_types\":[\"code\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + redirectUri + "\",\"pkce\":true}}}");
    }

    private static String authorizeUrl(String client, String state, String nonce, Pkce pkce) {
        return server.base + BrowserSession.url("/auth/authorize", "response_type", "code", "client_id", client,
                "redirect_uri", redirectUri, "scope", "openid profile email", "state", state, "nonce", nonce,
                "code_challenge", pkce.challenge(), "code_challenge_method", "S256");
    }

    private static Browser.NewContextOptions phone() {
        return new Browser.NewContextOptions().setViewportSize(390, 844).setDeviceScaleFactor(2).setIsMobile(true)
                .setHasTouch(true);
    }

    /** Fills and submits the login page, and waits for the consent page. */
    private static void signIn(Page page, String login) {
        page.fill("#login", login);
        page.fill("#password", PASSWORD);
        page.click("button[type=submit]");
        page.waitForURL(u -> u.startsWith(server.base + "/auth/grant"));
    }

    private static void assertNoHorizontalScroll(Page page) {
        Object fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth");
        assertThat(fits).as("page fits the width of " + page.viewportSize().width + " px: " + page.url()).isEqualTo(true);
    }

    /** Time since the class loaded, in the test's output file (to see where the seconds go). */
    private static void lap(String what) {
        System.out.printf("BrowserFlowTest: %s after %d ms%n", what, (System.nanoTime() - STARTED) / 1_000_000);
    }
}
