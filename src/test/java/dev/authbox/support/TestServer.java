package dev.authbox.support;

import dev.authbox.Authbox;
import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real authbox node on a random port, with HTTP helpers. {@link #shared} gives one node per
 * database for the whole test run (tests create their own clients and users with unique ids);
 * {@link #start} gives a private node for tests that need their own settings or database.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_ID = "admin";
    public static final String ADMIN_SECRET = "admin-secret-for-tests";
    private static final Map<TestDatabase, TestServer> SHARED = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Authbox node;
    private final String dbUrl;
    private final String console;
    public final String base;

    private TestServer(Authbox node, String dbUrl, String console) {
        this.node = node;
        this.dbUrl = dbUrl;
        this.console = console;
        this.base = "http://127.0.0.1:" + node.port();
    }

    public static TestServer shared(TestDatabase db) {
        return SHARED.computeIfAbsent(db, d -> {
            TestServer server = start(d.freshUrl(), Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        });
    }

    /** A node on {@code dbUrl} with test defaults (cheap Argon2id, known admin secret) overridden by {@code overrides}. */
    public static TestServer start(String dbUrl, Map<Setting, String> overrides) {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.PORT, "0");
        raw.put(Setting.DB_URL, dbUrl);
        raw.put(Setting.ADMIN_ID, ADMIN_ID);
        raw.put(Setting.ADMIN_SECRET, ADMIN_SECRET);
        raw.put(Setting.KEY_SECRET, "key-secret-for-tests");
        raw.put(Setting.DEMO, "false");
        raw.put(Setting.ARGON2_MEMORY_KIB, "256");
        raw.put(Setting.ARGON2_ITERATIONS, "1");
        raw.putAll(overrides);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Authbox node = Authbox.start(Settings.from(raw), new PrintStream(console, true, StandardCharsets.UTF_8));
        return new TestServer(node, dbUrl, console.toString(StandardCharsets.UTF_8));
    }

    public String dbUrl() {
        return dbUrl;
    }

    /** What the node printed to its console at start. */
    public String console() {
        return console;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(dbUrl);
    }

    @Override
    public void close() {
        node.close();
    }

    // ---- HTTP helpers ----

    public static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    public static String adminBasic() {
        return basic(ADMIN_ID, ADMIN_SECRET);
    }

    public static String form(String... pairs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parts.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
        }
        return String.join("&", parts);
    }

    public static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    public HttpResult send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    public HttpResult get(String path, String authorization) {
        return send("GET", path, authorization == null ? Map.of() : Map.of("Authorization", authorization), null);
    }

    /** POST /auth/token with a form body and optional Authorization. */
    public HttpResult token(String authorization, String formBody) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-www-form-urlencoded");
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        return send("POST", "/auth/token", h, formBody);
    }

    /** PUT a resource as the admin, failing the test unless it was stored. */
    public HttpResult put(String path, String json) {
        HttpResult r = send("PUT", path, headers("Authorization", adminBasic(), "Content-Type", "application/json"), json);
        if (r.status() != 200 && r.status() != 201) {
            throw new AssertionError("PUT " + path + " -> " + r);
        }
        return r;
    }

    /** A confidential client with client_credentials, and the given auth.client_credentials settings (JSON object text). */
    public void clientCredentialsClient(String id, String secret, String settings) {
        put("/Client/" + id, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\"],"
                + "\"auth\":{\"client_credentials\":" + settings + "}}");
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public HttpResult delete(String path, String authorization) {
        return send("DELETE", path, authorization == null ? Map.of() : Map.of("Authorization", authorization), null);
    }

    /** An access token by client_credentials with Basic credentials, failing the test unless one was issued. */
    public String clientCredentialsToken(String id, String secret) {
        HttpResult r = token(basic(id, secret), form("grant_type", "client_credentials"));
        if (r.status() != 200) {
            throw new AssertionError("token for " + id + " -> " + r);
        }
        return r.json().get("access_token").asText();
    }

    /** A fresh (opaque) token of the admin client, which carries admin rights as a bearer token. */
    public String adminToken() {
        return clientCredentialsToken(ADMIN_ID, ADMIN_SECRET);
    }

    /** The Session id of an opaque access token, found by the token's hash in the database. */
    public String sessionIdOf(String opaqueToken) {
        try (Connection c = connect(); var st = c.prepareStatement("SELECT id FROM auth_session WHERE token_hash = ?")) {
            st.setString(1, dev.authbox.security.RandomTokens.lookupKey(opaqueToken));
            try (var rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no session for the token");
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A unique id for a test's own resources. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 0xffff));
    }

}
