package dev.authbox.security;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every flow once on a private node (client credentials opaque and JWT with refresh,
 * password with refresh rotation, authorization code with PKCE through the login and consent
 * pages, implicit, form_post, revocation, introspection, userinfo, logout), collects every secret
 * value that went over the wire, then dumps every table and the node's logs and finds none of
 * them there: the database holds hashes and sealed keys only, the logs hold nothing usable.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class SecretsAtRestTest {
    private static final String CB = "https://app.example/cb";
    private static final String BYE = "https://app.example/bye";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Parameter
    TestDatabase db;

    /** Name of each secret (for messages) to its value. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private TestServer server;

    @Test
    void noSecretValueIsStoredOrLogged() throws Exception {
        String keySecret = "key-secret-" + random();
        secrets.put("AUTHBOX_KEY_SECRET", keySecret);
        secrets.put("admin secret", TestServer.ADMIN_SECRET);
        String console;
        Map<String, List<String>> tables;
        String logs;
        try (LogCapture capture = new LogCapture()) {
            try (TestServer node = TestServer.start(db.freshUrl(), Map.of(Setting.KEY_SECRET, keySecret))) {
                server = node;
                runEveryFlow();
                tables = TableDump.dump(server, Set.of());
                console = server.console();
            }
            logs = capture.text();
        }

        assertThat(secrets.size()).as("secrets collected").isGreaterThan(30);
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            soft.assertThat(s.getValue()).as("secret %s", s.getKey()).isNotBlank().hasSizeGreaterThanOrEqualTo(16);
            for (String form : forms(s.getValue())) {
                for (Map.Entry<String, List<String>> table : tables.entrySet()) {
                    for (String row : table.getValue()) {
                        soft.assertThat(row).as("table %s stores %s (%s)", table.getKey(), s.getKey(), form).doesNotContain(form);
                    }
                }
                soft.assertThat(logs).as("the logs contain %s (%s)", s.getKey(), form).doesNotContain(form);
                soft.assertThat(console).as("the console contains %s", s.getKey()).doesNotContain(form);
            }
        }
        // The private signing keys are sealed with AUTHBOX_KEY_SECRET; the public half is public only.
        List<String> keys = tables.get("signing_key");
        soft.assertThat(keys).as("signing keys").isNotEmpty();
        for (String row : keys) {
            String privateKey = column(row, "private_key");
            soft.assertThat(privateKey).as("private_key column").startsWith("aesgcm2:").doesNotContain("\"d\"").doesNotContain("plain:");
            String sealed = privateKey.substring(privateKey.lastIndexOf(':') + 1);
            String opened = new String(Base64.getDecoder().decode(sealed), StandardCharsets.ISO_8859_1);
            soft.assertThat(opened).as("sealed private key is not readable JSON").doesNotContain("\"kty\"").doesNotContain("\"d\"");
            String publicJwk = column(row, "public_jwk");
            JsonNode jwk = new com.fasterxml.jackson.databind.ObjectMapper().readTree(publicJwk);
            for (String privateField : List.of("d", "p", "q", "dp", "dq", "qi")) {
                soft.assertThat(jwk.has(privateField)).as("public_jwk has private member %s", privateField).isFalse();
            }
            soft.assertThat(privateKey).as("the public modulus is not readable in the private column")
                    .doesNotContain(jwk.path("n").asText("(none)"));
        }
        soft.assertAll();
    }

    /** The value, and the encodings under which a careless store or log line could still reveal it. */
    private static List<String> forms(String value) {
        List<String> out = new ArrayList<>();
        out.add(value);
        String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
        if (!url.equals(value)) {
            out.add(url);
        }
        out.add(Base64.getEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        if (value.chars().filter(c -> c == '.').count() == 2) {
            out.add(value.substring(value.lastIndexOf('.') + 1)); // a JWT's signature alone
        }
        return out;
    }

    private static String column(String row, String name) {
        for (String part : row.split("\\|")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no column " + name + " in " + row);
    }

    // ---------------------------------------------------------------------------------------------

    private void runEveryFlow() throws Exception {
        String admin = basic(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET);
        String adminToken = server.adminToken();
        secrets.put("admin bearer token", adminToken);

        // Client credentials, opaque and JWT, each with refresh tokens.
        for (String format : List.of("opaque", "jwt")) {
            String id = "cc-" + format;
            String secret = secret("client secret " + id);
            server.put("/Client/" + id, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\"],"
                    + "\"auth\":{\"client_credentials\":{\"token_format\":\"" + format + "\",\"refresh_token\":true}}}");
            JsonNode t = tokens(id + " cc", server.token(basic(id, secret), form("grant_type", "client_credentials")));
            JsonNode refreshed = tokens(id + " cc refreshed", server.token(basic(id, secret),
                    form("grant_type", "refresh_token", "refresh_token", t.get("refresh_token").asText())));
            ok(server.send("POST", "/auth/introspect", headers("Authorization", admin, "Content-Type", "application/x-www-form-urlencoded"),
                    form("token", refreshed.get("access_token").asText())));
        }
        // A client whose secret is changed, and a user created by POST.
        String rotated = "cc-rotated";
        server.put("/Client/" + rotated, "{\"secret\":\"" + secret("first secret of " + rotated) + "\",\"grant_types\":[\"client_credentials\"]}");
        String second = secret("second secret of " + rotated);
        server.put("/Client/" + rotated, "{\"secret\":\"" + second + "\",\"grant_types\":[\"client_credentials\"]}");
        tokens(rotated, server.token(basic(rotated, second), form("grant_type", "client_credentials")));
        HttpResult posted = server.send("POST", "/User", headers("Authorization", "Bearer " + adminToken, "Content-Type", "text/yaml"),
                "email: posted@example.com\npassword: " + secret("password of a POSTed user") + "\n");
        assertThat(posted.status()).as(posted.toString()).isEqualTo(201);

        // The user, and the password grant with refresh rotation.
        String password = secret("alice's password");
        server.put("/User/alice", "{\"email\":\"alice@example.com\",\"password\":\"" + password + "\",\"data\":{\"name\":\"Alice\"}}");
        String pwSecret = secret("client secret pw");
        server.put("/Client/pw", "{\"secret\":\"" + pwSecret + "\",\"grant_types\":[\"password\"],"
                + "\"auth\":{\"password\":{\"refresh_token\":true,\"refresh_token_expiration\":3600}}}");
        JsonNode pw = tokens("password", server.token(basic("pw", pwSecret), form("grant_type", "password",
                "username", "alice@example.com", "password", password, "scope", "openid profile email")));
        JsonNode pw2 = tokens("password refreshed", server.token(basic("pw", pwSecret),
                form("grant_type", "refresh_token", "refresh_token", pw.get("refresh_token").asText())));
        JsonNode pw3 = tokens("password refreshed twice", server.token(basic("pw", pwSecret),
                form("grant_type", "refresh_token", "refresh_token", pw2.get("refresh_token").asText())));
        // A wrong password is as secret as a right one (it is often a near miss).
        String wrong = secret("a mistyped password");
        HttpResult refused = server.token(basic("pw", pwSecret), form("grant_type", "password", "username", "alice", "password", wrong));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        ok(server.get("/auth/userinfo", "Bearer " + pw3.get("access_token").asText()));

        // Authorization code with PKCE through the login and consent pages, then refresh.
        String webSecret = secret("client secret web");
        server.put("/Client/web", "{\"secret\":\"" + webSecret + "\",\"name\":\"Web\",\"grant_types\":[\"code\",\"implicit\",\"refresh_token\"],"
                + "\"post_logout_redirect_uris\":[\"" + BYE + "\"],\"auth\":{\"authorization_code\":{\"redirect_uri\":\"" + CB
                + "\",\"pkce\":true,\"refresh_token\":true,\"token_format\":\"jwt\"},\"implicit\":{\"redirect_uri\":\"" + CB + "\"}}}");
        Browser browser = new Browser(server);
        browser.onResponse(this::collectFromPage);
        String verifier = secret("PKCE code_verifier") + random() + random(); // 43 to 128 characters (RFC 7636)
        secrets.put("PKCE code_verifier", verifier);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = "/auth/authorize?response_type=code&client_id=web&state=st1&nonce=n1&scope=" + enc("openid profile email")
                + "&redirect_uri=" + enc(CB) + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        HttpResult toLogin = browser.get(authorize);
        assertThat(toLogin.status()).as(toLogin.toString()).isEqualTo(302);
        HttpResult loginPage = browser.get(toLogin.header("Location"));
        assertThat(loginPage.status()).as(loginPage.toString()).isEqualTo(200);
        HttpResult signedIn = browser.postForm("/auth/login", "csrf", Browser.hidden(loginPage, "csrf"),
                "return_to", Browser.hidden(loginPage, "return_to"), "login", "alice", "password", password);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
        HttpResult toConsent = browser.get(signedIn.header("Location"));
        assertThat(toConsent.header("Location")).as(toConsent.toString()).startsWith("/auth/grant?");
        HttpResult consentPage = browser.get(toConsent.header("Location"));
        assertThat(consentPage.status()).as(consentPage.toString()).isEqualTo(200);
        HttpResult approved = browser.postForm("/auth/grant", "csrf", Browser.hidden(consentPage, "csrf"),
                "return_to", Browser.hidden(consentPage, "return_to"), "decision", "approve");
        assertThat(approved.status()).as(approved.toString()).isEqualTo(302);
        HttpResult back = browser.get(approved.header("Location"));
        assertThat(back.header("Location")).as(back.toString()).startsWith(CB + "?");
        String code = Browser.params(back.header("Location"), '?').get("code");
        JsonNode web = tokens("authorization code", server.token(basic("web", webSecret), form("grant_type", "authorization_code",
                "code", code, "redirect_uri", CB, "code_verifier", verifier)));
        JsonNode webRefreshed = tokens("authorization code refreshed", server.token(basic("web", webSecret),
                form("grant_type", "refresh_token", "refresh_token", web.get("refresh_token").asText())));

        // A second code, delivered by form_post, and the implicit flow (consent is remembered now).
        HttpResult formPost = browser.get(authorize.replace("state=st1", "state=st2") + "&response_mode=form_post");
        assertThat(formPost.status()).as(formPost.toString()).isEqualTo(200);
        String postedCode = Browser.hiddenFields(formPost).get("code");
        assertThat(postedCode).as("code in the form_post page").isNotBlank();
        HttpResult implicit = browser.get("/auth/authorize?response_type=" + enc("id_token token") + "&client_id=web&state=st3&nonce=n3"
                + "&scope=" + enc("openid profile") + "&redirect_uri=" + enc(CB));
        assertThat(implicit.header("Location")).as(implicit.toString()).startsWith(CB + "#");
        Map<String, String> fragment = Browser.params(implicit.header("Location"), '#');
        assertThat(fragment).containsKeys("access_token", "id_token");
        ok(server.get("/auth/userinfo", "Bearer " + fragment.get("access_token")));

        // Revocation of an access token and of a refresh token family; introspection of what is left.
        HttpResult revoked = server.send("POST", "/auth/revoke", headers("Authorization", basic("web", webSecret),
                "Content-Type", "application/x-www-form-urlencoded"), form("token", webRefreshed.get("access_token").asText()));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        HttpResult revokedRefresh = server.send("POST", "/auth/revoke", headers("Authorization", basic("pw", pwSecret),
                "Content-Type", "application/x-www-form-urlencoded"), form("token", pw3.get("refresh_token").asText(),
                "token_type_hint", "refresh_token"));
        assertThat(revokedRefresh.status()).as(revokedRefresh.toString()).isEqualTo(200);
        ok(server.send("POST", "/auth/introspect", headers("Authorization", admin, "Content-Type", "application/x-www-form-urlencoded"),
                form("token", webRefreshed.get("refresh_token").asText(), "token_type_hint", "refresh_token")));

        // Logout with id_token_hint: the SSO session ends and the browser goes to the registered URI.
        HttpResult logout = browser.get("/auth/logout?id_token_hint=" + enc(web.get("id_token").asText())
                + "&post_logout_redirect_uri=" + enc(BYE) + "&state=bye");
        assertThat(logout.status()).as(logout.toString()).isEqualTo(302);
        assertThat(logout.header("Location")).isEqualTo(BYE + "?state=bye");
        assertThat(browser.cookie("authbox_sso")).as("SSO cookie cleared").isNull();

        // A failed sign-in on the page, then one more sign-in and a confirmed logout (CSRF form).
        HttpResult page = browser.get("/auth/login");
        HttpResult failed = browser.postForm("/auth/login", "csrf", Browser.hidden(page, "csrf"), "return_to", "",
                "login", "alice", "password", secret("a mistyped password on the page"));
        assertThat(failed.status()).as(failed.toString()).isEqualTo(401);
        HttpResult again = browser.postForm("/auth/login", "csrf", Browser.hidden(failed, "csrf"), "return_to", "",
                "login", "alice@example.com", "password", password);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        HttpResult confirm = browser.get("/auth/logout");
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        HttpResult out = browser.postForm("/auth/logout", "csrf", Browser.hidden(confirm, "csrf"), "confirm", "yes");
        assertThat(out.status()).as(out.toString()).isEqualTo(200);
        assertThat(browser.cookie("authbox_sso")).as("SSO cookie cleared").isNull();

        // The admin API sees sessions (and must not show a secret either).
        ok(server.get("/Session?_count=1000", admin));
    }

    private String secret(String name) {
        String value = name.replaceAll("[^a-z]", "").substring(0, Math.min(6, name.replaceAll("[^a-z]", "").length()))
                + "-" + random();
        secrets.put(name, value);
        return value;
    }

    private static String random() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A token response: its tokens go to the secrets. */
    private JsonNode tokens(String name, HttpResult r) {
        JsonNode body = ok(r);
        for (String field : List.of("access_token", "refresh_token", "id_token")) {
            if (body.hasNonNull(field)) {
                secrets.put(name + " " + field, body.get(field).asText());
            }
        }
        return body;
    }

    /** What the browser saw: cookies, codes and tokens in redirects and in form_post pages. */
    private void collectFromPage(HttpResult r) {
        for (String setCookie : r.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            String value = pair.substring(pair.indexOf('=') + 1);
            if (!value.isEmpty()) {
                secrets.put("cookie " + pair.substring(0, pair.indexOf('=')) + " #" + secrets.size(), value);
            }
        }
        String location = r.header("Location");
        if (location != null && location.startsWith(CB)) {
            Browser.params(location, '?').forEach(this::collectParam);
            Browser.params(location, '#').forEach(this::collectParam);
        }
        if (r.body().contains("<form method=\"post\" action=\"" + CB)) {
            Browser.hiddenFields(r).forEach(this::collectParam);
        }
    }

    private void collectParam(String name, String value) {
        if (Set.of("code", "access_token", "id_token", "refresh_token").contains(name)) {
            secrets.put("redirect " + name + " #" + secrets.size(), value);
        }
    }

    private static JsonNode ok(HttpResult r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
