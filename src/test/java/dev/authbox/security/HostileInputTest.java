package dev.authbox.security;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbox.config.Setting;
import dev.authbox.security.HostileRequests.Case;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.net.URI;
import org.assertj.core.api.SoftAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of every endpoint with malformed and adversarial requests (see
 * {@link HostileRequests} for what is sent): 10,000 on a private H2 node, 1,000 on a private
 * PostgreSQL node. Every answer must come within the timeout, be below 500 and of the expected
 * kind (a 4xx for everything that must be refused), carry no stack trace, redirect nowhere but to
 * a registered URI, echo no hostile markup, and the database must hold exactly what it held
 * before (except {@code login_failure}, which counts failures by design).
 *
 * <p>Reproduce: {@code -Dauthbox.fuzz.seed=<seed>} (default {@value #DEFAULT_SEED}),
 * {@code -Dauthbox.fuzz.count=<n>}, and {@code -Dauthbox.fuzz.case=<index>} to send one case
 * alone and print it. Each case depends only on the seed and its index.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class HostileInputTest {
    static final long DEFAULT_SEED = 20_261_125L;
    static final int THREADS = 4;
    static final int TIMEOUT_MILLIS = 10_000;
    static final Set<String> NOT_COMPARED = Set.of("login_failure");
    static final List<String> TRACE_MARKERS = List.of("at dev.authbox", "Exception", "\tat ", "at java.", "at org.eclipse",
            "Caused by:", "org.h2.", "org.postgresql", "SQLState", "PSQLException", "JdbcSQL");
    static final Set<String> OAUTH_ERRORS = Set.of("invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
            "unsupported_grant_type", "invalid_scope", "invalid_target", "invalid_token");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]*)\"");

    @Parameter
    TestDatabase db;

    @Test
    void hostileRequestsAreRefusedCleanlyAndChangeNothing() throws Exception {
        long seed = Long.getLong("authbox.fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("authbox.fuzz.count", db == TestDatabase.H2 ? 10_000 : 1_000);
        Integer only = Integer.getInteger("authbox.fuzz.case");
        String rerun = "seed " + seed + " on " + db + " (rerun: ./mvnw test -Dtest=HostileInputTest -Dauthbox.fuzz.seed=" + seed
                + " [-Dauthbox.fuzz.case=<index>])";

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        try (TestServer server = TestServer.start(db.freshUrl(), Map.of(Setting.LOGIN_MAX_FAILURES, "1000"))) {
            HostileRequests.Fixture fx = fixture(server);
            Map<String, List<String>> before = TableDump.dump(server, NOT_COMPARED);
            root.addAppender(logs);

            long start = System.nanoTime();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();
            Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
            Map<String, LongAdder> families = new ConcurrentHashMap<>();
            AtomicReference<String> stallDump = new AtomicReference<>();
            AtomicInteger next = new AtomicInteger(only == null ? 0 : only);
            int end = only == null ? count : only + 1;
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            for (int t = 0; t < THREADS; t++) {
                pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < end) {
                        Case c = new HostileRequests(new Random(caseSeed(seed, i)), fx).next(i);
                        RawHttp.Response r = RawHttp.exchange(fx.port(), c.head(fx.port()), c.bodyBytes(), c.halfClose, TIMEOUT_MILLIS);
                        families.computeIfAbsent(c.family, k -> new LongAdder()).increment();
                        statuses.computeIfAbsent(c.family.substring(0, c.family.indexOf('/')) + " " + r.status(), k -> new LongAdder()).increment();
                        List<String> problems = problems(c, r);
                        if (only != null) {
                            System.out.println(c.describe() + "\n=> " + r + "\nproblems: " + problems);
                        }
                        if (r.status() < 0 && stallDump.get() == null) {
                            // A request the node left unanswered: what every thread was doing then,
                            // for a stall seen once in CI and not reproduced since.
                            stallDump.compareAndSet(null, "#" + i + " " + c.family + " unanswered; threads:\n" + threadDump());
                        }
                        if (!problems.isEmpty()) {
                            failureKinds.computeIfAbsent(c.family + " -> " + r.status() + " " + problems, k -> new LongAdder()).increment();
                            if (failures.size() < 200) {
                                failures.add(c.describe() + "\n    => " + r + "\n    problems: " + problems);
                            }
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).as("the fuzz run finished").isTrue();
            long millis = (System.nanoTime() - start) / 1_000_000;
            root.detachAppender(logs);

            Map<String, List<String>> after = TableDump.dump(server, NOT_COMPARED);
            HttpResult health = server.get("/health", null);
            List<String> errorLogs = new ArrayList<>();
            for (ILoggingEvent e : logs.list) {
                if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    errorLogs.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " : " + e.getThrowableProxy().getClassName()
                            + ": " + e.getThrowableProxy().getMessage()));
                }
            }

            System.out.printf("HostileInputTest %s: %d requests in %d ms, %s%nfamilies: %s%nstatuses: %s%n", db, end - (only == null ? 0 : only),
                    millis, rerun, new TreeMap<>(families), new TreeMap<>(statuses));
            StringBuilder report = new StringBuilder();
            new TreeMap<>(failureKinds).forEach((k, v) -> report.append("  ").append(v).append(" x ").append(k).append('\n'));
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(failures).as("%s%nfailures by kind:%n%s%nfirst failures:%n%s%s", rerun, report,
                    String.join("\n", failures.stream().limit(30).toList()),
                    stallDump.get() == null ? "" : "\n" + stallDump.get()).isEmpty();
            soft.assertThat(errorLogs).as("%s: errors logged by the node during the run", rerun).isEmpty();
            soft.assertThat(TableDump.diff(before, after)).as("%s: refused requests changed the database (%s -> %s)", rerun,
                    TableDump.summary(before), TableDump.summary(after)).isEmpty();
            soft.assertThat(health.status()).as("the node is healthy after the run").isEqualTo(200);
            soft.assertAll();
        } finally {
            root.detachAppender(logs);
        }
    }

    /** The stack of every live thread, at most 40 frames each. */
    static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            out.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (int f = 0; f < Math.min(frames.length, 40); f++) {
                out.append("    at ").append(frames[f]).append('\n');
            }
        });
        return out.toString();
    }

    static long caseSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Everything wrong with one answer, beyond the case's own expectation. */
    static List<String> problems(Case c, RawHttp.Response r) {
        List<String> p = new ArrayList<>();
        if (r.status() < 0) {
            p.add("no answer: " + r.failure());
            return p;
        }
        if (r.status() >= 500) {
            p.add("server error " + r.status());
        }
        String expected = c.expect.problem(r);
        if (expected != null && r.status() < 500) {
            p.add(expected);
        }
        String body = r.body();
        for (String marker : TRACE_MARKERS) {
            if (body.contains(marker)) {
                p.add("stack trace marker '" + marker.replace("\t", "\\t") + "' in the body");
            }
        }
        String location = r.header("Location");
        String bad = unsafeLocation(location);
        if (bad != null) {
            p.add(bad);
        }
        for (String cookie : r.headers("set-cookie")) {
            if (cookie.startsWith("authbox_sso=") && !cookie.startsWith("authbox_sso=;")) {
                p.add("a hostile request got signed in: " + cookie);
            }
        }
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html")) {
            List<String> tags = new ArrayList<>();
            Matcher t = TAG.matcher(body);
            while (t.find()) {
                tags.add(t.group());
            }
            for (String v : c.mustNotReflect) {
                boolean markup = v.indexOf('<') >= 0 ? body.contains(v) : tags.stream().anyMatch(tag -> tag.contains(v));
                if (markup) {
                    p.add("hostile markup echoed unescaped: " + HostileRequests.printable(v));
                }
            }
            Matcher m = FORM_ACTION.matcher(body);
            while (m.find()) {
                String action = Browser.unescape(m.group(1));
                if (!action.startsWith("/auth/") && unsafeLocation(action) != null) {
                    p.add("a form posts outside the registered URIs: " + action);
                }
            }
        }
        String shape = shape(c, r, type);
        if (shape != null) {
            p.add(shape);
        }
        return p;
    }

    /** Null when a Location goes only to a local page or exactly to a registered redirect URI. */
    static String unsafeLocation(String location) {
        if (location == null) {
            return null;
        }
        if (location.startsWith("/")) {
            return location.startsWith("/auth/") && !location.startsWith("//") && location.indexOf('\\') < 0
                    ? null : "local Location outside /auth/: " + location;
        }
        try {
            URI u = new URI(location);
            String base = u.getScheme() + "://" + u.getRawAuthority() + u.getRawPath();
            if (u.getRawUserInfo() != null || !HostileRequests.REGISTERED.contains(base)) {
                return "Location outside the registered URIs: " + location;
            }
            return null;
        } catch (Exception e) {
            return "unparseable Location: " + location;
        }
    }

    /** The error body is shaped for its endpoint (RFC 6749 §5.2 JSON, OperationOutcome, a Bearer challenge). */
    static String shape(Case c, RawHttp.Response r, String type) {
        if (r.status() < 400 || r.status() >= 500 || c.rawHead != null) {
            return null;
        }
        String path = c.target.split("\\?", 2)[0];
        boolean oauth = path.matches("/(auth|oauth2)/(token|revoke|introspect)");
        boolean admin = path.matches("/(Client|User|Grant|Session)(/.*)?");
        try {
            if (oauth && type.startsWith("application/json") && r.status() != 405 && r.status() != 404) {
                JsonNode body = JSON.readTree(r.body());
                String error = body.path("error").asText();
                if (!OAUTH_ERRORS.contains(error) || !body.path("error_description").isTextual()) {
                    return "not an RFC 6749 error body";
                }
                if (r.status() == 401 && error.equals("invalid_client") && sentBasic(c) && r.header("WWW-Authenticate") == null) {
                    return "401 invalid_client to a Basic attempt without WWW-Authenticate";
                }
            }
            if (path.matches("/(auth|oauth2)/userinfo") && r.status() == 401
                    && (r.header("WWW-Authenticate") == null || !r.header("WWW-Authenticate").startsWith("Bearer"))) {
                return "userinfo 401 without a Bearer challenge";
            }
            if (admin && type.startsWith("application/json") && !"OperationOutcome".equals(JSON.readTree(r.body()).path("resourceType").asText())) {
                return "admin error is not an OperationOutcome";
            }
            if (admin && type.startsWith("text/yaml") && !r.body().contains("resourceType: OperationOutcome")) {
                return "admin error is not an OperationOutcome (YAML)";
            }
        } catch (Exception e) {
            return "error body does not parse as its Content-Type says: " + e.getMessage();
        }
        return null;
    }

    private static boolean sentBasic(Case c) {
        return !c.headers.isEmpty() && c.headers.stream().filter(h -> h[0].equalsIgnoreCase("Authorization")).findFirst()
                .map(h -> h[1].regionMatches(true, 0, "Basic ", 0, 6)).orElse(false);
    }

    // ---------------------------------------------------------------------------------------------

    /** The deliberately valid setup: clients, a user, real tokens of every kind, an SSO session, and their forgeries. */
    static HostileRequests.Fixture fixture(TestServer server) throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        String webSecret = "web-secret-" + suffix;
        String otherSecret = "other-secret-" + suffix;
        String basicOnlySecret = "basic-only-secret-" + suffix;
        String alicePassword = "alice-password-" + suffix;
        server.put("/Client/web", "{\"secret\":\"" + webSecret + "\",\"name\":\"Web <b>App</b>\",\"first_party\":false,"
                + "\"grant_types\":[\"code\",\"implicit\",\"password\",\"client_credentials\",\"refresh_token\"],"
                + "\"scope\":[\"openid\",\"profile\",\"email\",\"offline_access\",\"read\"],"
                + "\"post_logout_redirect_uris\":[\"" + HostileRequests.BYE + "\"],"
                + "\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + HostileRequests.REG_CB + "\",\"pkce\":true,\"refresh_token\":true,\"token_format\":\"jwt\"},"
                + "\"implicit\":{\"redirect_uri\":\"" + HostileRequests.REG_CB + "\"},"
                + "\"password\":{\"refresh_token\":true,\"token_format\":\"jwt\"},"
                + "\"client_credentials\":{\"refresh_token\":true,\"audience\":[\"https://api.example\"]}}}");
        server.put("/Client/spa", "{\"grant_types\":[\"code\"],\"auth\":{\"authorization_code\":{\"redirect_uri\":\""
                + HostileRequests.SPA_CB + "\",\"pkce\":true}}}");
        server.put("/Client/other", "{\"secret\":\"" + otherSecret + "\",\"grant_types\":[\"client_credentials\"],"
                + "\"auth\":{\"client_credentials\":{\"token_format\":\"jwt\",\"refresh_token\":true}}}");
        server.put("/Client/basiconly", "{\"secret\":\"" + basicOnlySecret + "\",\"grant_types\":[\"basic\"]}");
        server.put("/User/alice", "{\"email\":\"" + HostileRequests.ALICE_EMAIL + "\",\"password\":\"" + alicePassword
                + "\",\"data\":{\"name\":\"Alice\"}}");

        JsonNode cc = ok(server.token(basic("web", webSecret), form("grant_type", "client_credentials")));
        JsonNode pw = ok(server.token(basic("web", webSecret), form("grant_type", "password", "username", "alice",
                "password", alicePassword, "scope", "openid profile")));
        JsonNode other = ok(server.token(basic("other", otherSecret), form("grant_type", "client_credentials")));
        String adminToken = server.adminToken();

        Browser browser = new Browser(server);
        HttpResult page = browser.get("/auth/login");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        HttpResult signedIn = browser.postForm("/auth/login", "csrf", Browser.hidden(page, "csrf"), "return_to", "",
                "login", "alice", "password", alicePassword);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        String sso = browser.cookie("authbox_sso");
        assertThat(sso).as("SSO cookie after sign-in").isNotBlank();

        String jwks = server.get("/.well-known/jwks.json", null).body();
        List<String> forgedAccess = new ArrayList<>(ForgedJwts.of(pw.get("access_token").asText(), jwks,
                Map.of("sub", "admin", "client_id", "admin", "scope", "openid profile email")).values());
        forgedAccess.addAll(ForgedJwts.of(other.get("access_token").asText(), jwks, Map.of("sub", "admin", "client_id", "admin")).values());
        List<String> forgedId = new ArrayList<>(ForgedJwts.of(pw.get("id_token").asText(), jwks,
                Map.of("sub", "mallory", "aud", "web")).values());
        int port = URI.create(server.base).getPort();
        return new HostileRequests.Fixture(port, TestServer.ADMIN_ID, TestServer.ADMIN_SECRET, webSecret, otherSecret,
                basicOnlySecret, alicePassword, adminToken, cc.get("access_token").asText(), cc.get("refresh_token").asText(),
                pw.get("access_token").asText(), pw.get("refresh_token").asText(), pw.get("id_token").asText(),
                other.get("access_token").asText(), other.get("refresh_token").asText(), sso, List.copyOf(forgedAccess),
                List.copyOf(forgedId));
    }

    private static JsonNode ok(HttpResult r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}
