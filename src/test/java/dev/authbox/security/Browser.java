package dev.authbox.security;

import dev.authbox.support.HttpResult;
import dev.authbox.support.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser as the login, consent and logout pages see it: a cookie jar (authbox's cookies are
 * host-only with Path=/), redirects not followed automatically so that every Location can be
 * inspected, and helpers to read the hidden fields of a page.
 */
final class Browser {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

    private final TestServer server;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** Every response this browser received, for tests that collect values. */
    private final List<Consumer<HttpResult>> listeners = new ArrayList<>();

    Browser(TestServer server) {
        this.server = server;
    }

    void onResponse(Consumer<HttpResult> listener) {
        listeners.add(listener);
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    HttpResult get(String pathOrUrl) {
        return send("GET", pathOrUrl, null, null);
    }

    /** POST a form; {@code pairs} are name, value, name, value... (values are %-encoded here). */
    HttpResult postForm(String path, String... pairs) {
        return send("POST", path, "application/x-www-form-urlencoded", TestServer.form(pairs));
    }

    HttpResult send(String method, String pathOrUrl, String contentType, String body) {
        URI uri = URI.create(pathOrUrl.startsWith("/") ? server.base + pathOrUrl : pathOrUrl);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (!cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResult result;
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            result = new HttpResult(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + pathOrUrl + " failed: " + e, e);
        }
        for (String setCookie : result.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = setCookie.toLowerCase(java.util.Locale.ROOT).contains("max-age=0");
            if (expired || value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        listeners.forEach(l -> l.accept(result));
        return result;
    }

    /** The value of a hidden form field of a page, failing when it is absent. */
    static String hidden(HttpResult page, String name) {
        Matcher m = HIDDEN.matcher(page.body());
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return unescape(m.group(2));
            }
        }
        throw new AssertionError("no hidden field " + name + " in " + page);
    }

    /** Every hidden field of a page, in order (for form_post). */
    static Map<String, String> hiddenFields(HttpResult page) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page.body());
        while (m.find()) {
            out.put(unescape(m.group(1)), unescape(m.group(2)));
        }
        return out;
    }

    /** The action of the first form of a page (HTML-unescaped). */
    static String formAction(HttpResult page) {
        Matcher m = Pattern.compile("<form method=\"post\" action=\"([^\"]*)\"").matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no form in " + page);
        }
        return unescape(m.group(1));
    }

    static String unescape(String html) {
        return html.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&#x2F;", "/").replace("&amp;", "&");
    }

    /** The query or fragment parameters of a redirect URL. */
    static Map<String, String> params(String url, char separator) {
        Map<String, String> out = new LinkedHashMap<>();
        int at = url.indexOf(separator);
        if (at < 0) {
            return out;
        }
        String rest = url.substring(at + 1);
        if (separator == '?' && rest.indexOf('#') >= 0) {
            rest = rest.substring(0, rest.indexOf('#'));
        }
        for (String pair : rest.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
