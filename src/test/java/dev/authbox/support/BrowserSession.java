package dev.authbox.support;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small browser for HTTP-level tests of the login, consent and logout pages: it keeps the
 * cookies the server sets (per instance), follows no redirect by itself, and reads the forms of
 * the pages it gets (hidden inputs such as {@code csrf} and {@code return_to}).
 */
public final class BrowserSession {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern INPUT = Pattern.compile("<input\\b(?:[^>\"]|\"[^\"]*\")*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*\"([^\"]*)\"");

    private final String base;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    public BrowserSession(TestServer server) {
        this(server.base);
    }

    public BrowserSession(String base) {
        this.base = base;
    }

    /** One response as a browser sees it. */
    public record Page(int status, HttpHeaders headers, String body, String url) {
        /** The Location header, or null. */
        public String location() {
            return headers.firstValue("Location").orElse(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public List<String> setCookies() {
            return headers.allValues("Set-Cookie");
        }

        /** The Set-Cookie header for {@code name}, or null. */
        public String setCookie(String name) {
            return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
        }

        public boolean isRedirect() {
            return status >= 300 && status < 400 && location() != null;
        }

        /** The value of the input named {@code name} (hidden or not), entities decoded; null when absent. */
        public String input(String name) {
            return inputs().get(name);
        }

        /** Every named input of the page, in order (first one wins), values decoded. */
        public Map<String, String> inputs() {
            Map<String, String> inputs = new LinkedHashMap<>();
            Matcher m = INPUT.matcher(body);
            while (m.find()) {
                Map<String, String> attrs = attributes(m.group());
                if (attrs.containsKey("name")) {
                    inputs.putIfAbsent(attrs.get("name"), attrs.getOrDefault("value", ""));
                }
            }
            return inputs;
        }

        /** The hidden inputs of the page, in order. */
        public Map<String, String> hiddenInputs() {
            Map<String, String> inputs = new LinkedHashMap<>();
            Matcher m = INPUT.matcher(body);
            while (m.find()) {
                Map<String, String> attrs = attributes(m.group());
                if ("hidden".equalsIgnoreCase(attrs.get("type")) && attrs.containsKey("name")) {
                    inputs.putIfAbsent(attrs.get("name"), attrs.getOrDefault("value", ""));
                }
            }
            return inputs;
        }

        public boolean isLoginPage() {
            return status != 302 && body.contains("action=\"/auth/login\"");
        }

        public boolean isConsentPage() {
            return status == 200 && body.contains("action=\"/auth/grant\"");
        }

        @Override
        public String toString() {
            return status + " " + url + (location() != null ? " -> " + location() : "") + "\n" + body;
        }
    }

    // ---- requests ----

    public Page get(String pathOrUrl) {
        return send("GET", pathOrUrl, null, null);
    }

    /** POST an urlencoded form of name/value pairs. */
    public Page post(String pathOrUrl, Map<String, String> form) {
        return send("POST", pathOrUrl, "application/x-www-form-urlencoded", encode(form));
    }

    public Page post(String pathOrUrl, String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return post(pathOrUrl, form);
    }

    public Page send(String method, String pathOrUrl, String contentType, String body) {
        String url = absolute(pathOrUrl);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty() && url.startsWith(base)) {
            List<String> pairs = new ArrayList<>();
            cookies.forEach((k, v) -> pairs.add(k + "=" + v));
            b.header("Cookie", String.join("; ", pairs));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(method + " " + url + " failed: " + e, e);
        }
        if (url.startsWith(base)) {
            for (String setCookie : r.headers().allValues("Set-Cookie")) {
                remember(setCookie);
            }
        }
        return new Page(r.statusCode(), r.headers(), r.body(), url);
    }

    // ---- navigation ----

    /** True when the URL is on the server (a path, or an absolute URL under its base). */
    public boolean isLocal(String location) {
        return location != null && (location.startsWith("/") && !location.startsWith("//") || location.startsWith(base + "/"));
    }

    /** Follows one redirect (which must be local). */
    public Page follow(Page page) {
        if (!page.isRedirect()) {
            throw new AssertionError("not a redirect: " + page);
        }
        if (!isLocal(page.location())) {
            throw new AssertionError("redirect leaves the server: " + page.location());
        }
        return get(page.location());
    }

    /** Follows local redirects until a page, or a redirect that leaves the server (to the client). */
    public Page followLocal(Page page) {
        Page current = page;
        for (int i = 0; i < 20 && current.isRedirect() && isLocal(current.location()); i++) {
            current = get(current.location());
        }
        return current;
    }

    /** Submits the login page's form with the given credentials (csrf and return_to as the page has them). */
    public Page submitLogin(Page loginPage, String login, String password) {
        Map<String, String> form = new LinkedHashMap<>(loginPage.hiddenInputs());
        form.put("login", login);
        form.put("password", password);
        return post("/auth/login", form);
    }

    /** Submits the consent page with {@code approve} or {@code deny}. */
    public Page submitConsent(Page consentPage, String decision) {
        Map<String, String> form = new LinkedHashMap<>(consentPage.hiddenInputs());
        form.put("decision", decision);
        return post("/auth/grant", form);
    }

    /**
     * Runs an authorization request the way a person would: follows the server's redirects, signs
     * in on the login page, and answers the consent page with {@code decision} (null: stop at the
     * consent page). Returns the first response that leaves the server, or the page where it stops.
     */
    public Page authorize(String authorizePath, String login, String password, String decision) {
        Page p = followLocal(get(authorizePath));
        if (p.isLoginPage() && p.status() == 200) {
            if (login == null) {
                return p;
            }
            p = followLocal(submitLogin(p, login, password));
        }
        if (p.isConsentPage()) {
            if (decision == null) {
                return p;
            }
            p = followLocal(submitConsent(p, decision));
        }
        return p;
    }

    /** Signs in without an authorization request (the login page on its own). */
    public Page signIn(String login, String password) {
        Page page = get("/auth/login");
        return submitLogin(page, login, password);
    }

    // ---- cookies ----

    public String cookie(String name) {
        return cookies.get(name);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    public void removeCookie(String name) {
        cookies.remove(name);
    }

    public Map<String, String> cookies() {
        return Map.copyOf(cookies);
    }

    private void remember(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        boolean expired = value.isEmpty();
        for (int i = 1; i < parts.length; i++) {
            String attr = parts[i].trim().toLowerCase();
            if (attr.equals("max-age=0") || attr.startsWith("max-age=-")) {
                expired = true;
            }
        }
        if (expired) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }

    // ---- helpers ----

    private String absolute(String pathOrUrl) {
        return pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://") ? pathOrUrl : base + pathOrUrl;
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher m = ATTR.matcher(tag);
        while (m.find()) {
            attrs.put(m.group(1).toLowerCase(), unescape(m.group(2)));
        }
        return attrs;
    }

    /** Decodes the HTML character references a template engine writes into attribute values. */
    public static String unescape(String s) {
        Matcher m = Pattern.compile("&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String ch = switch (ref) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> new String(Character.toChars(ref.startsWith("#x") || ref.startsWith("#X")
                        ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1))));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(ch));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static String encode(Map<String, String> form) {
        List<String> parts = new ArrayList<>();
        form.forEach((k, v) -> parts.add(enc(k) + "=" + enc(v)));
        return String.join("&", parts);
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Builds {@code path?k=v&...} from name/value pairs (null values are left out). */
    public static String url(String path, String... pairs) {
        StringBuilder b = new StringBuilder(path);
        char sep = path.contains("?") ? '&' : '?';
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                continue;
            }
            b.append(sep).append(enc(pairs[i])).append('=').append(enc(pairs[i + 1]));
            sep = '&';
        }
        return b.toString();
    }

    /** The parameters of a URL's query (the part after '?', before any '#'). */
    public static Map<String, String> query(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return Map.of();
        }
        int hash = url.indexOf('#', q);
        return decodeParams(hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash));
    }

    /** The parameters of a URL's fragment (the part after '#'). */
    public static Map<String, String> fragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? Map.of() : decodeParams(url.substring(hash + 1));
    }

    /** The URL without query and fragment. */
    public static String withoutParams(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int i = url.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return url.substring(0, cut);
    }

    public static Map<String, String> decodeParams(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (params.putIfAbsent(k, v) != null) {
                throw new AssertionError("parameter " + k + " appears twice in " + encoded);
            }
        }
        return params;
    }

    /** A PKCE verifier and its S256 challenge (RFC 7636). */
    public record Pkce(String verifier, String challenge) {
        public static Pkce create() {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            return new Pkce(verifier, s256(verifier));
        }

        public static String s256(String verifier) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
