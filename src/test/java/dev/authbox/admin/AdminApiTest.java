package dev.authbox.admin;

import static dev.authbox.support.TestServer.adminBasic;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.bearer;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The admin REST API: CRUD, search, JSON/YAML, secrets, validation, errors and who may call it. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AdminApiTest {
    private static final String JSON = "application/json";
    private static final String YAML = "text/yaml";

    @Parameter
    TestDatabase db;

    TestServer server;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
    }

    // ---- CRUD ----

    @Test
    void clientCrudOverPut() {
        String id = TestServer.uniqueId("crud-client");
        crudOverPut("Client", id, "{\"grant_types\":[\"client_credentials\"],\"first_party\":false}",
                "{\"grant_types\":[\"client_credentials\",\"basic\"],\"first_party\":true}", "first_party");
    }

    @Test
    void userCrudOverPut() {
        String id = TestServer.uniqueId("crud-user");
        crudOverPut("User", id, "{\"email\":\"" + id + "@example.com\",\"data\":{\"name\":\"A\"}}",
                "{\"email\":\"" + id + "@example.com\",\"inactive\":true,\"data\":{\"name\":\"B\"}}", "inactive");
    }

    private void crudOverPut(String type, String id, String first, String second, String changedField) {
        String path = "/" + type + "/" + id;
        HttpResult created = admin("PUT", path, JSON, first);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode v1 = created.json();
        assertThat(v1.get("resourceType").asText()).isEqualTo(type);
        assertThat(v1.get("id").asText()).isEqualTo(id);
        assertThat(v1.at("/meta/versionId").asText()).isEqualTo("1");
        assertThat(v1.at("/meta/lastUpdated").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        HttpResult replaced = admin("PUT", path, JSON, second);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.json().at("/meta/versionId").asText()).isEqualTo("2");
        assertThat(replaced.json().get(changedField).asBoolean()).isTrue();

        HttpResult read = admin("GET", path);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(replaced.json());

        HttpResult third = admin("PUT", path, JSON, first);
        assertThat(third.json().at("/meta/versionId").asText()).isEqualTo("3");
        assertThat(third.json().has(changedField) && third.json().get(changedField).asBoolean()).isFalse();

        HttpResult deleted = admin("DELETE", path);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("id").asText()).isEqualTo(id);
        outcome(admin("GET", path), 404);
        outcome(admin("DELETE", path), 404);
    }

    @Test
    void postCreatesWithAGeneratedIdAndRefusesAnExistingOne() {
        HttpResult generated = admin("POST", "/Client", JSON, "{\"grant_types\":[\"basic\"]}");
        assertThat(generated.status()).as(generated.toString()).isEqualTo(201);
        String id = generated.json().get("id").asText();
        assertThat(id).matches("[A-Za-z0-9._~@-]{8,128}");
        assertThat(generated.json().at("/meta/versionId").asText()).isEqualTo("1");
        assertThat(admin("GET", "/Client/" + id).json().get("grant_types").get(0).asText()).isEqualTo("basic");
        HttpResult another = admin("POST", "/Client", JSON, "{}");
        assertThat(another.json().get("id").asText()).isNotEqualTo(id);

        String chosen = TestServer.uniqueId("post-user");
        String email = chosen + "@example.com";
        HttpResult user = admin("POST", "/User", JSON, "{\"id\":\"" + chosen + "\",\"email\":\"" + email + "\"}");
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        assertThat(user.json().get("id").asText()).isEqualTo(chosen);
        outcome(admin("POST", "/User", JSON, "{\"id\":\"" + chosen + "\"}"), 409);
        outcome(admin("POST", "/Client", JSON, "{\"id\":\"" + id + "\"}"), 409);
        // the email is unique too, whatever its case
        outcome(admin("POST", "/User", JSON, "{\"email\":\"" + email.toUpperCase() + "\"}"), 409);
        assertThat(admin("GET", "/User/" + chosen).json().at("/meta/versionId").asText()).isEqualTo("1");
    }

    // ---- search ----

    @Test
    void searchReturnsABundleAndPages() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = TestServer.uniqueId("page");
            server.put("/Client/" + id, "{\"secret\":\"page-secret\",\"grant_types\":[\"basic\"]}");
            mine.add(id);
        }
        JsonNode first = bundle(admin("GET", "/Client?_count=2&_page=1"));
        long total = first.get("total").asLong();
        assertThat(total).isGreaterThanOrEqualTo(3);
        assertThat(first.get("entry")).hasSize(2);

        int count = 4;
        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= (total + count - 1) / count; page++) {
            JsonNode b = bundle(admin("GET", "/Client?_count=" + count + "&_page=" + page));
            assertThat(b.get("total").asLong()).isEqualTo(total);
            assertThat(b.get("entry").size()).isEqualTo((int) Math.min(count, total - (long) (page - 1) * count));
            for (JsonNode e : b.get("entry")) {
                assertThat(e.at("/resource/resourceType").asText()).isEqualTo("Client");
                assertThat(e.get("resource").has("secret")).isFalse();
                seen.add(e.at("/resource/id").asText());
            }
        }
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates().containsAll(mine);
        JsonNode pastTheEnd = bundle(admin("GET", "/Client?_count=" + count + "&_page=" + (total / count + 2)));
        assertThat(pastTheEnd.get("entry")).isEmpty();

        JsonNode byId = bundle(admin("GET", "/Client?id=" + mine.get(1)));
        assertThat(byId.get("total").asLong()).isEqualTo(1);
        assertThat(byId.at("/entry/0/resource/id").asText()).isEqualTo(mine.get(1));
    }

    @Test
    void userSearchByEmailIgnoresCase() {
        String id = TestServer.uniqueId("mail");
        server.put("/User/" + id, "{\"email\":\"Mixed.Case-" + id + "@Example.COM\"}");
        for (String query : List.of("mixed.case-" + id + "@example.com", "MIXED.CASE-" + id.toUpperCase() + "@EXAMPLE.COM")) {
            JsonNode b = bundle(admin("GET", "/User?email=" + query));
            assertThat(b.get("total").asLong()).as(query).isEqualTo(1);
            assertThat(b.at("/entry/0/resource/id").asText()).isEqualTo(id);
            assertThat(b.at("/entry/0/resource/email").asText()).isEqualTo("Mixed.Case-" + id + "@Example.COM");
        }
        JsonNode none = bundle(admin("GET", "/User?email=nobody-" + id + "@example.com"));
        assertThat(none.get("total").asLong()).isZero();
        assertThat(none.get("entry")).isEmpty();
    }

    // ---- JSON and YAML ----

    @Test
    void yamlInAndOutCarriesTheSameResource() {
        String id = TestServer.uniqueId("yaml");
        String secret = "yaml-secret-" + System.nanoTime();
        String yaml = """
                resourceType: Client
                secret: %s
                first_party: true
                grant_types: [client_credentials, basic]
                auth:
                  client_credentials:
                    token_format: jwt
                    access_token_expiration: 120
                scope:
                  - read
                  - write
                """.formatted(secret);
        HttpResult created = admin("PUT", "/Client/" + id, YAML, yaml);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode asJson = admin("GET", "/Client/" + id).json();
        assertThat(asJson.get("first_party").asBoolean()).isTrue();
        assertThat(asJson.at("/auth/client_credentials/token_format").asText()).isEqualTo("jwt");
        assertThat(asJson.at("/auth/client_credentials/access_token_expiration").asInt()).isEqualTo(120);
        assertThat(asJson.at("/scope/1").asText()).isEqualTo("write");

        HttpResult asYaml = server.send("GET", "/Client/" + id, headers("Authorization", adminBasic(), "Accept", "text/yaml"), null);
        assertThat(asYaml.status()).isEqualTo(200);
        assertThat(asYaml.header("Content-Type")).startsWith("text/yaml");
        assertThat(asYaml.body()).doesNotStartWith("{").doesNotContain(secret);
        assertThat(asYaml.yaml()).isEqualTo(asJson);

        // the secret sent in YAML was stored: the client authenticates with it
        HttpResult token = server.token(basic(id, secret), TestServer.form("grant_type", "client_credentials"));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        assertThat(token.json().get("access_token").asText()).contains(".");

        HttpResult search = server.send("GET", "/Client?id=" + id,
                headers("Authorization", adminBasic(), "Accept", "application/yaml"), null);
        assertThat(search.yaml()).isEqualTo(admin("GET", "/Client?id=" + id).json());

        HttpResult yamlUser = server.send("POST", "/User", headers("Authorization", adminBasic(),
                "Content-Type", "application/yaml", "Accept", "text/yaml"), "email: " + id + "@example.com\ninactive: true\n");
        assertThat(yamlUser.status()).as(yamlUser.toString()).isEqualTo(201);
        assertThat(yamlUser.yaml().get("inactive").asBoolean()).isTrue();

        HttpResult yamlError = server.send("PUT", "/User/" + id, headers("Authorization", adminBasic(),
                "Content-Type", YAML, "Accept", "text/yaml"), "inactive: perhaps\n");
        assertThat(yamlError.status()).isEqualTo(422);
        assertThat(yamlError.yaml().get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(yamlError.yaml().at("/issue/0/expression/0").asText()).isEqualTo("inactive");
    }

    // ---- secrets ----

    @Test
    void secretsAndPasswordsAreNeverReturnedAndAreStoredAsArgon2id() throws Exception {
        String id = TestServer.uniqueId("secret");
        String secret1 = "first-secret-" + System.nanoTime();
        String secret2 = "second-secret-" + System.nanoTime();
        String client = "{\"secret\":\"%s\",\"grant_types\":[\"client_credentials\"]}";
        List<HttpResult> answers = new ArrayList<>();
        answers.add(admin("PUT", "/Client/" + id, JSON, client.formatted(secret1)));
        answers.add(admin("PUT", "/Client/" + id, JSON, client.formatted(secret2)));
        answers.add(admin("POST", "/Client", JSON, client.formatted(secret1)));
        answers.add(admin("GET", "/Client/" + id));
        answers.add(admin("GET", "/Client?id=" + id));
        answers.add(admin("GET", "/Client?_count=1000"));
        answers.add(server.send("GET", "/Client/" + id, headers("Authorization", adminBasic(), "Accept", YAML), null));
        answers.add(admin("PUT", "/Client/" + id, YAML, "secret: " + secret1 + "\ngrant_types: [client_credentials]\n"));

        String user = TestServer.uniqueId("pw");
        String password = "pass-word-" + System.nanoTime();
        String userBody = "{\"email\":\"" + user + "@example.com\",\"password\":\"" + password + "\"}";
        answers.add(admin("PUT", "/User/" + user, JSON, userBody));
        answers.add(admin("PUT", "/User/" + user, JSON, userBody));
        answers.add(admin("POST", "/User", JSON, "{\"password\":\"" + password + "\"}"));
        answers.add(admin("GET", "/User/" + user));
        answers.add(admin("GET", "/User?email=" + user + "@example.com"));
        answers.add(server.send("GET", "/User?id=" + user, headers("Authorization", adminBasic(), "Accept", YAML), null));
        answers.add(admin("DELETE", "/User/" + user));

        for (HttpResult r : answers) {
            assertThat(r.status()).as(r.toString()).isBetween(200, 201);
            assertThat(r.body()).as(r.toString()).doesNotContain(secret1, secret2, password, "$argon2", "secret_hash", "password_hash")
                    // A secret or password value; not the auth.password settings block of a client ("password":{ or "password:" + newline).
                    .doesNotContainPattern("(?m)[\"\\s]secret\"?:[ \\t]*[^{\\s]")
                    .doesNotContainPattern("(?m)[\"\\s]password\"?:[ \\t]*[^{\\s]");
        }
        assertStoredHashed("client", "secret_hash", id, secret1, secret2);
        String another = TestServer.uniqueId("pw2");
        server.put("/User/" + another, userBody.replace(user, another));
        assertStoredHashed("app_user", "password_hash", another, password);
    }

    private void assertStoredHashed(String table, String hashColumn, String id, String... plaintexts) throws Exception {
        try (var c = server.connect(); var st = c.prepareStatement("SELECT * FROM " + table + " WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(hashColumn)).startsWith("$argon2id$v=19$m=").matches("\\$argon2id\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$[^$]+\\$[^$]+");
                for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                    assertThat(String.valueOf(rs.getString(col))).as(table + " column " + rs.getMetaData().getColumnName(col))
                            .doesNotContain(plaintexts);
                }
            }
        }
    }

    @Test
    void putWithoutASecretKeepsTheStoredOne() {
        String id = TestServer.uniqueId("keep");
        String secret = "kept-" + System.nanoTime();
        server.put("/Client/" + id, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\",\"basic\"]}");
        assertThat(server.clientCredentialsToken(id, secret)).isNotBlank();
        HttpResult replaced = admin("PUT", "/Client/" + id, JSON, "{\"grant_types\":[\"client_credentials\",\"basic\"],\"scope\":[\"x\"]}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().at("/meta/versionId").asText()).isEqualTo("2");
        HttpResult token = server.token(basic(id, secret), TestServer.form("grant_type", "client_credentials", "scope", "x"));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        // the new version is the one in force (scope list [x]), and the old secret still authenticates it
        HttpResult outOfScope = server.token(basic(id, secret), TestServer.form("grant_type", "client_credentials", "scope", "y"));
        assertThat(outOfScope.json().get("error").asText()).as(outOfScope.toString()).isEqualTo("invalid_scope");
        // and Basic API authentication with it still reaches the authorization check
        assertThat(server.get("/Client", basic(id, secret)).status()).isEqualTo(403);
    }

    // ---- validation (422) ----

    static Stream<Arguments> invalidResources() {
        return Stream.of(
                Arguments.of("PUT", "/Client/{id}", "{\"grant_types\":[\"client_credentials\",\"magic\"]}", "grant_types.1"),
                Arguments.of("PUT", "/Client/{id}", "{\"auth\":{\"client_credentials\":{\"token_format\":\"x\"}}}",
                        "auth.client_credentials.token_format"),
                Arguments.of("PUT", "/Client/{id}", "{\"auth\":{\"client_credentials\":{\"access_token_expiration\":-5}}}",
                        "auth.client_credentials.access_token_expiration"),
                Arguments.of("PUT", "/Client/{id}", "{\"auth\":{\"client_credentials\":{\"token_fromat\":\"jwt\"}}}",
                        "auth.client_credentials.token_fromat"),
                Arguments.of("PUT", "/Client/{id}", "{\"auth\":{\"authorization_code\":{\"redirect_uri\":\"relative/callback\"}}}",
                        "auth.authorization_code.redirect_uri"),
                Arguments.of("PUT", "/Client/{id}", "{\"auth\":{\"authorization_code\":{\"redirect_uri\":[\"https://ok.example/cb\",\"https://app.example/cb#frag\"]}}}",
                        "auth.authorization_code.redirect_uri"),
                Arguments.of("PUT", "/Client/{id}", "{\"redirect_uri\":\"https://ok.example/cb,not a uri\"}", "redirect_uri"),
                Arguments.of("PUT", "/Client/{id}", "{\"secret\":12345}", "secret"),
                Arguments.of("PUT", "/User/{id}", "{\"email\":\"not-an-email\"}", "email"),
                Arguments.of("PUT", "/User/{id}", "{\"inactive\":\"yes\"}", "inactive"),
                Arguments.of("PUT", "/Client/{id}", "{\"id\":\"someone-else\"}", "id"),
                Arguments.of("PUT", "/User/{id}", "{\"id\":\"someone-else\"}", "id"),
                Arguments.of("PUT", "/Client/bad!id{id}", "{}", "id"),
                Arguments.of("POST", "/User", "{\"id\":\"bad id {id}\"}", "id"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> 422 at {3}")
    @MethodSource("invalidResources")
    void invalidResourcesAre422NamingTheField(String method, String pathTemplate, String body, String expression) {
        String id = TestServer.uniqueId("invalid");
        String path = pathTemplate.replace("{id}", id);
        JsonNode outcome = outcome(admin(method, path, JSON, body.replace("{id}", id)), 422);
        List<String> expressions = new ArrayList<>();
        outcome.get("issue").forEach(i -> i.path("expression").forEach(e -> expressions.add(e.asText())));
        assertThat(expressions).as(outcome.toString()).contains(expression);
        String type = pathTemplate.startsWith("/Client") ? "/Client/" : "/User/";
        outcome(admin("GET", type + id), 404);
    }

    // ---- malformed requests (400, 404, 405, 415) ----

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("PUT", "/Client/{id}", JSON, "{\"grant_types\": [\"basic\""),
                Arguments.of("PUT", "/Client/{id}", YAML, "grant_types: [basic\nfirst_party: true\n"),
                Arguments.of("PUT", "/Client/{id}", JSON, "[{\"grant_types\":[\"basic\"]}]"),
                Arguments.of("PUT", "/Client/{id}", JSON, "{\"first_party\":true,\"first_party\":false}"),
                Arguments.of("PUT", "/Client/{id}", YAML, "first_party: true\nfirst_party: false\n"),
                Arguments.of("PUT", "/Client/{id}", JSON, "{} {}"),
                Arguments.of("PUT", "/Client/{id}", JSON, "null"),
                Arguments.of("PUT", "/User/{id}", JSON, ""),
                Arguments.of("PUT", "/User/{id}", JSON, "{\"data\":" + "[".repeat(200) + "]".repeat(200) + "}"),
                Arguments.of("POST", "/User", JSON, "\"just a string\""),
                Arguments.of("GET", "/Client?colour=red", null, null),
                Arguments.of("GET", "/User?name=alice", null, null),
                Arguments.of("GET", "/User?_count=abc", null, null),
                Arguments.of("GET", "/User?_count=100000", null, null),
                Arguments.of("GET", "/User?_page=0", null, null),
                Arguments.of("GET", "/User?email=a@b.c&email=d@e.f", null, null));
    }

    @ParameterizedTest(name = "{0} {1} [{2}] {3} -> 400")
    @MethodSource("malformedRequests")
    void malformedRequestsAre400(String method, String pathTemplate, String contentType, String body) {
        String id = TestServer.uniqueId("malformed");
        outcome(admin(method, pathTemplate.replace("{id}", id), contentType, body), 400);
        if (pathTemplate.contains("{id}")) {
            outcome(admin("GET", pathTemplate.replace("{id}", id)), 404);
        }
    }

    @Test
    void yamlAliasBombIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            bomb.append("]\n");
        }
        long started = System.nanoTime();
        HttpResult r = admin("PUT", "/Client/" + TestServer.uniqueId("bomb"), YAML, bomb.toString());
        long millis = (System.nanoTime() - started) / 1_000_000;
        outcome(r, 400);
        assertThat(millis).as("answered in %d ms", millis).isLessThan(2_000);
    }

    /** YAML aliases are legal YAML: they must be resolved (within limits) or refused, never replaced by the anchor's name. */
    @Test
    void yamlAliasesAreNeverSilentlyReplacedByTheAnchorName() {
        String id = TestServer.uniqueId("alias");
        String email = id + "@example.com";
        HttpResult r = admin("PUT", "/User/" + id, YAML, "email: &mail " + email + "\ndata:\n  contact: *mail\n");
        if (r.status() == 400) {
            outcome(r, 400);
            outcome(admin("GET", "/User/" + id), 404);
        } else {
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().at("/data/contact").asText()).as(r.toString()).isEqualTo(email);
        }
    }

    /** PostgreSQL refuses NUL in text; such input must be a client error, never a 500. Each case is reported. */
    @Test
    void nulCharactersAreClientErrorsNotServerErrors() {
        String id = TestServer.uniqueId("nul");
        HttpResult put = admin("PUT", "/User/" + id, JSON, "{\"email\":\"" + id + "\\u0000@example.com\"}");
        HttpResult byEmail = admin("GET", "/User?email=other-" + id + "%00@example.com");
        HttpResult byId = admin("GET", "/Client?id=" + id + "%00");
        HttpResult basicNul = server.get("/Client", basic(id + "\u0000", "secret"));

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(put.status()).as("PUT /User with NUL in email -> " + put).isEqualTo(422);
        soft.assertThat(byEmail.status()).as("GET /User?email= with NUL -> " + byEmail).isIn(200, 400);
        soft.assertThat(byId.status()).as("GET /Client?id= with NUL -> " + byId).isIn(200, 400);
        soft.assertThat(basicNul.status()).as("Basic id with NUL on GET /Client -> " + basicNul).isEqualTo(401);
        for (HttpResult r : List.of(put, byEmail, byId, basicNul)) {
            soft.assertThat(r.body()).doesNotContain("Exception", "at dev.authbox");
            if (r.status() == 200) {
                soft.assertThat(r.json().get("total").asLong()).as(r.toString()).isZero();
            }
        }
        soft.assertAll();
    }

    @Test
    void unknownIdsAndPathsAre404() {
        outcome(admin("GET", "/Client/" + TestServer.uniqueId("missing")), 404);
        outcome(admin("GET", "/User/" + TestServer.uniqueId("missing")), 404);
        outcome(admin("DELETE", "/User/" + TestServer.uniqueId("missing")), 404);
        HttpResult path = admin("GET", "/NoSuchResource/x");
        outcome(path, 404);
        assertThat(path.header("Content-Type")).startsWith("application/json");
        outcome(server.get("/no/such/path", null), 404);
    }

    @Test
    void patchIs405AndTextPlainIs415() {
        String id = TestServer.uniqueId("method");
        server.put("/Client/" + id, "{\"grant_types\":[\"basic\"]}");
        outcome(admin("PATCH", "/Client/" + id, JSON, "{\"first_party\":true}"), 405);
        outcome(admin("PATCH", "/Client/x", JSON, "{}"), 405);
        outcome(admin("PUT", "/Client/" + id, "text/plain", "{\"first_party\":true}"), 415);
        outcome(admin("POST", "/User", "application/x-www-form-urlencoded", "email=a%40b.c"), 415);
        JsonNode unchanged = admin("GET", "/Client/" + id).json();
        assertThat(unchanged.at("/meta/versionId").asText()).isEqualTo("1");
        assertThat(unchanged.has("first_party")).isFalse();
    }

    // ---- who may call ----

    @Test
    void anonymousCallsAre401WithAChallenge() {
        String id = TestServer.uniqueId("anon");
        List<String[]> calls = List.of(
                new String[] {"GET", "/Client"}, new String[] {"POST", "/Client"}, new String[] {"GET", "/Client/" + id},
                new String[] {"PUT", "/Client/" + id}, new String[] {"DELETE", "/Client/" + id},
                new String[] {"GET", "/User"}, new String[] {"POST", "/User"}, new String[] {"PUT", "/User/" + id},
                new String[] {"GET", "/Session"}, new String[] {"GET", "/Session/" + id}, new String[] {"DELETE", "/Session/" + id});
        for (String[] call : calls) {
            HttpResult r = server.send(call[0], call[1], headers("Content-Type", JSON), call[0].startsWith("P") ? "{}" : null);
            outcome(r, 401);
            assertThat(r.header("WWW-Authenticate")).as(call[0] + " " + call[1]).isNotNull().containsIgnoringCase("basic");
        }
        outcome(admin("GET", "/Client/" + id), 404);
        outcome(admin("GET", "/User/" + id), 404);
    }

    @Test
    void onlyTheAdminClientMayCallTheApi() {
        outcome(server.get("/Client", basic(TestServer.ADMIN_ID, "wrong-secret")), 401);
        outcome(server.get("/Client", basic(TestServer.ADMIN_ID, "")), 401);
        outcome(server.get("/Client", "Basic !!!"), 401);

        String secret = "api-secret-" + System.nanoTime();
        String basicClient = TestServer.uniqueId("basic-only");
        server.put("/Client/" + basicClient, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"basic\"]}");
        HttpResult forbidden = server.get("/Client", basic(basicClient, secret));
        outcome(forbidden, 403);
        outcome(server.get("/Client", basic(basicClient, "wrong")), 401);
        outcome(server.send("PUT", "/Client/" + basicClient, headers("Authorization", basic(basicClient, secret),
                "Content-Type", JSON), "{\"grant_types\":[\"basic\"],\"first_party\":true}"), 403);

        String noBasic = TestServer.uniqueId("no-basic");
        server.put("/Client/" + noBasic, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\"]}");
        HttpResult unauthenticated = server.get("/Client", basic(noBasic, secret));
        outcome(unauthenticated, 401);
        assertThat(unauthenticated.header("WWW-Authenticate")).isNotNull();
        // a token of a client that is not the admin authenticates, but has no admin rights
        outcome(server.get("/Client", bearer(server.clientCredentialsToken(noBasic, secret))), 403);
        outcome(server.get("/Client", bearer("not-a-token")), 401);
    }

    @Test
    void adminBearerTokenWorks() {
        String token = server.adminToken();
        HttpResult r = server.get("/Client?_count=1", bearer(token));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("resourceType").asText()).isEqualTo("Bundle");
        String id = TestServer.uniqueId("by-bearer");
        HttpResult put = server.send("PUT", "/User/" + id, headers("Authorization", bearer(token), "Content-Type", JSON), "{}");
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        outcome(server.get("/Client", bearer(token + "x")), 401);
    }

    // ---- helpers ----

    private HttpResult admin(String method, String path) {
        return admin(method, path, null, null);
    }

    private HttpResult admin(String method, String path, String contentType, String body) {
        Map<String, String> h = contentType == null ? headers("Authorization", adminBasic())
                : headers("Authorization", adminBasic(), "Content-Type", contentType);
        return server.send(method, path, h, body);
    }

    /** Asserts an OperationOutcome error with this status, without internals, and returns it. */
    private static JsonNode outcome(HttpResult r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body()).as(r.toString()).doesNotContain("at dev.authbox", "Exception", "\tat ");
        JsonNode o = r.json();
        assertThat(o.get("resourceType").asText()).as(r.toString()).isEqualTo("OperationOutcome");
        assertThat(o.get("issue")).as(r.toString()).isNotEmpty();
        assertThat(o.at("/issue/0/diagnostics").asText()).isNotBlank();
        return o;
    }

    private static JsonNode bundle(HttpResult r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode b = r.json();
        assertThat(b.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(b.get("type").asText()).isEqualTo("searchset");
        assertThat(b.get("total").isIntegralNumber()).isTrue();
        assertThat(b.get("entry").isArray()).isTrue();
        Set<String> ids = new HashSet<>();
        b.get("entry").forEach(e -> ids.add(e.at("/resource/id").asText()));
        assertThat(ids).hasSize(b.get("entry").size());
        return b;
    }
}
