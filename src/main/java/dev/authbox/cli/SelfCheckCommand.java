package dev.authbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.Authbox;
import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.resource.Json;
import dev.authbox.security.Argon2idKnownAnswer;
import dev.authbox.security.RandomTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code authbox selfcheck}: checks the pure-Java Argon2id against its known answers, starts a
 * throw-away node (in-memory database, a free port on 127.0.0.1), runs every grant and endpoint
 * through HTTP once, and reports. It tells an operator that this machine and JVM can run authbox;
 * the build runs it on the jar, to prove the jar complete and to record which classes a node loads,
 * so that later starts can map them from a class-data archive instead of loading them.
 */
final class SelfCheckCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    // Made when the check runs, not when the command line is set up: every 'serve' builds this command too.
    private HttpClient http;
    private String adminSecret;
    private String base;
    private int checks;

    private SelfCheckCommand() {
    }

    static CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new SelfCheckCommand()).name("selfcheck")
                .mixinStandardHelpOptions(true);
        spec.usageMessage().description("Check the pure-Java Argon2id fallback against its known answers, start a"
                + " throw-away node (in-memory database, random port on 127.0.0.1), run every grant and endpoint"
                + " through HTTP once, and report. Reads no settings and touches no database"
                + " of yours.");
        return spec;
    }

    /** A check that failed: which step, and what the server answered. */
    private static final class CheckFailed extends RuntimeException {
        CheckFailed(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        long started = System.nanoTime();
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        adminSecret = RandomTokens.newToken();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Authbox node = Authbox.start(settings(), new PrintStream(console, true, StandardCharsets.UTF_8))) {
            base = "http://127.0.0.1:" + node.port();
            run();
        } catch (CheckFailed e) {
            System.err.print(console.toString(StandardCharsets.UTF_8));
            System.err.println("authbox selfcheck FAILED after " + checks + " checks: " + e.getMessage());
            return 1;
        }
        System.out.printf("authbox selfcheck passed: %d checks in %d ms%n", checks, (System.nanoTime() - started) / 1_000_000);
        return 0;
    }

    private Settings settings() {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.HOST, "127.0.0.1");
        raw.put(Setting.PORT, "0");
        raw.put(Setting.DB_URL, "jdbc:h2:mem:selfcheck-" + RandomTokens.newId() + ";DB_CLOSE_DELAY=-1");
        raw.put(Setting.ADMIN_ID, "selfcheck-admin");
        raw.put(Setting.ADMIN_SECRET, adminSecret);
        raw.put(Setting.KEY_SECRET, RandomTokens.newToken());
        raw.put(Setting.DEMO, "false");
        return Settings.from(raw);
    }

    private void run() {
        checkPureJavaArgon2id();
        expect("health", get("/health"), 200);
        expect("discovery", get("/.well-known/openid-configuration"), 200);
        expect("JWKS", get("/.well-known/jwks.json"), 200);

        String admin = basic("selfcheck-admin", adminSecret);
        String secret = RandomTokens.newToken();
        expect("create a client_credentials client", put("/Client/sc-api", admin, "{\"secret\":\"" + secret
                + "\",\"grant_types\":[\"client_credentials\"],\"auth\":{\"client_credentials\":{\"token_format\":\"jwt\"}}}"), 201);
        JsonNode cc = json(expect("client_credentials", post("/auth/token", basic("sc-api", secret),
                form("grant_type", "client_credentials")), 200));
        expectActive(secret, cc.path("access_token").asText(), true);

        expect("create a password client", put("/Client/sc-app", admin, "{\"secret\":\"" + secret
                + "\",\"grant_types\":[\"password\",\"authorization_code\"],\"auth\":{\"password\":{\"refresh_token\":true},"
                + "\"authorization_code\":{\"redirect_uri\":\"http://127.0.0.1/cb\"}}}"), 201);
        String password = RandomTokens.newToken();
        expect("create a user", put("/User/sc-user", admin, "{\"email\":\"selfcheck@example.com\",\"password\":\""
                + password + "\",\"data\":{\"name\":\"Self Check\"}}"), 201);
        JsonNode login = json(expect("password", post("/auth/token", basic("sc-app", secret), form("grant_type", "password",
                "username", "selfcheck@example.com", "password", password, "scope", "openid profile")), 200));
        JsonNode refreshed = json(expect("refresh_token", post("/auth/token", basic("sc-app", secret),
                form("grant_type", "refresh_token", "refresh_token", login.path("refresh_token").asText())), 200));
        String access = refreshed.path("access_token").asText();
        expect("userinfo", send(HttpRequest.newBuilder(uri("/auth/userinfo")).header("Authorization", "Bearer " + access)
                .GET()), 200);
        expect("revoke", post("/auth/revoke", basic("sc-app", secret), form("token", access)), 200);
        expectActive(secret, access, false);

        expect("login page", get("/auth/login"), 200);
        expect("authorize (redirects to the login page)", get("/auth/authorize?response_type=code&client_id=sc-app"
                + "&redirect_uri=" + URLEncoder.encode("http://127.0.0.1/cb", StandardCharsets.UTF_8)
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"), 302);
    }

    /** The jar carries only part of Bouncy Castle: enough of it, this proves, for its Argon2id. */
    private void checkPureJavaArgon2id() {
        String fallback = "Bouncy Castle's Argon2id (the fallback where no native library loads)";
        boolean passes;
        try {
            passes = Argon2idKnownAnswer.pureJavaPasses();
        } catch (LinkageError | RuntimeException e) {
            throw new CheckFailed(fallback + " cannot run: " + e);
        }
        if (!passes) {
            throw new CheckFailed(fallback + " gives a wrong answer");
        }
        checks++;
    }

    private void expectActive(String secret, String token, boolean active) {
        JsonNode introspected = json(expect("introspect", post("/auth/introspect", basic("sc-api", secret),
                form("token", token)), 200));
        if (introspected.path("active").asBoolean() != active) {
            throw new CheckFailed("introspect: expected active=" + active + ", got " + introspected);
        }
    }

    private HttpResponse<String> expect(String check, HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new CheckFailed(check + ": expected HTTP " + status + ", got " + response.statusCode() + " "
                    + response.body());
        }
        checks++;
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CheckFailed("not JSON: " + response.body());
        }
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> post(String path, String authorization, String formBody) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(formBody)));
    }

    private HttpResponse<String> put(String path, String authorization, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CheckFailed("request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted");
        }
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }
}
