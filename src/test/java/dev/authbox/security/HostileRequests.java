package dev.authbox.security;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The generator of {@link HostileInputTest}: from one {@link Random}, one malformed or adversarial
 * HTTP request against an authbox endpoint, and what a correct server may answer to it.
 *
 * <p>Most requests are built to be refused whatever the random parts turn out to be: they carry
 * broken client authentication, or, with valid authentication, at least one ingredient that can
 * never be valid (a scope nobody may have, a forged code, a duplicated parameter, a malformed
 * body...). Those must get a 4xx. A few families send hostile values where the protocol itself
 * prescribes another answer (the authorization endpoint redirects errors to a registered URI; the
 * login page shows a form; introspection answers {@code active:false}; revocation answers 200 for
 * tokens it will not touch): those are checked for what they must be instead. No request may
 * change the database.
 */
final class HostileRequests {
    static final String WEB = "web";
    static final String SPA = "spa";
    static final String OTHER = "other";
    static final String BASIC_ONLY = "basiconly";
    static final String ALICE = "alice";
    static final String ALICE_EMAIL = "alice@example.com";
    static final String REG_CB = "https://app.example/cb";
    static final String SPA_CB = "https://spa.example/cb";
    static final String BYE = "https://app.example/bye";
    static final Set<String> REGISTERED = Set.of(REG_CB, SPA_CB, BYE);

    /** Values every request may draw on: the fixture's real ids, secrets, tokens and forgeries. */
    record Fixture(int port, String adminId, String adminSecret, String webSecret, String otherSecret, String basicOnlySecret,
                   String alicePassword, String adminToken, String webCcToken, String webCcRefresh, String webPwAccess,
                   String webPwRefresh, String webIdToken, String otherJwt, String otherRefresh, String ssoCookie,
                   List<String> forgedAccess, List<String> forgedId) {
    }

    /** What a correct answer looks like; null from {@link #problem} means this one is fine. */
    interface Expect {
        String problem(RawHttp.Response r);
    }

    static final Expect REFUSED = r -> r.status() >= 400 && r.status() < 500 ? null : "expected a 4xx refusal";

    static Expect status(int... allowed) {
        return r -> {
            for (int s : allowed) {
                if (r.status() == s) {
                    return null;
                }
            }
            return "expected status " + java.util.Arrays.toString(allowed);
        };
    }

    /** Any answer below 500 (the global checks still apply: safe Location, no reflection, no trace). */
    static final Expect ANSWERED = r -> r.status() > 0 && r.status() < 500 ? null : "expected an answer below 500";

    /** Introspection of a forged or unknown token: {@code {"active":false}}, or a 4xx. */
    static final Expect INACTIVE = r -> {
        if (r.status() >= 400 && r.status() < 500) {
            return null;
        }
        if (r.status() != 200) {
            return "expected 200 {\"active\":false} or a 4xx";
        }
        return r.body().replace(" ", "").equals("{\"active\":false}") ? null : "a forged/unknown token introspected as active";
    };

    /** One generated request. */
    static final class Case {
        final int index;
        String family = "?";
        String method = "GET";
        String target = "/";
        final List<String[]> headers = new ArrayList<>();
        byte[] body;
        boolean chunked;
        boolean halfClose;
        String contentLength; // overrides the computed Content-Length when set
        boolean omitHost;
        boolean duplicateHost;
        String rawHead; // a complete hand-made head (request line + headers + blank line)
        Expect expect = REFUSED;
        /**
         * Hostile values that an HTML answer must escape: those with '<' must not appear verbatim
         * anywhere, those with '"' not inside a tag (where they would close an attribute).
         */
        final Set<String> mustNotReflect = new LinkedHashSet<>();

        Case(int index) {
            this.index = index;
        }

        Case header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Case form(String f) {
            header("Content-Type", "application/x-www-form-urlencoded");
            body = wire(f);
            return this;
        }

        byte[] head(int port) {
            if (rawHead != null) {
                return wire(rawHead);
            }
            StringBuilder h = new StringBuilder();
            // Unencoded values may hold whitespace; in the request line it would only test the
            // HTTP parser's idea of a version (Jetty answers 505), so it goes %-encoded there.
            String line = target.replace(" ", "%20").replace("\t", "%09").replace("\r", "%0D").replace("\n", "%0A");
            h.append(method).append(' ').append(line).append(" HTTP/1.1\r\n");
            if (!omitHost) {
                h.append("Host: 127.0.0.1:").append(port).append("\r\n");
            }
            if (duplicateHost) {
                h.append("Host: evil.example\r\n");
            }
            for (String[] kv : headers) {
                h.append(kv[0]).append(": ").append(kv[1]).append("\r\n");
            }
            if (body != null) {
                if (chunked) {
                    h.append("Transfer-Encoding: chunked\r\n");
                } else {
                    h.append("Content-Length: ").append(contentLength != null ? contentLength : Integer.toString(body.length)).append("\r\n");
                }
            } else if (contentLength != null) {
                h.append("Content-Length: ").append(contentLength).append("\r\n");
            }
            h.append("Connection: close\r\n\r\n");
            return wire(h.toString());
        }

        byte[] bodyBytes() {
            if (body == null || !chunked) {
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int off = 0; off < body.length; off += 32 * 1024) {
                int n = Math.min(32 * 1024, body.length - off);
                out.writeBytes(wire(Integer.toHexString(n) + "\r\n"));
                out.write(body, off, n);
                out.writeBytes(wire("\r\n"));
            }
            out.writeBytes(wire("0\r\n\r\n"));
            return out.toByteArray();
        }

        String describe() {
            String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            if (b.length() > 400) {
                b = b.substring(0, 400) + "...(" + body.length + " bytes)";
            }
            String t = target.length() > 300 ? target.substring(0, 300) + "...(" + target.length() + " chars)" : target;
            StringBuilder h = new StringBuilder();
            for (String[] kv : headers) {
                String v = kv[1].length() > 120 ? kv[1].substring(0, 120) + "..." : kv[1];
                h.append(kv[0]).append(": ").append(v).append("; ");
            }
            return "#" + index + " [" + family + "] " + (rawHead != null ? "raw " + printable(rawHead.length() > 300 ? rawHead.substring(0, 300) : rawHead)
                    : method + " " + printable(t) + " {" + printable(h.toString()) + "}" + (chunked ? " chunked" : "")
                    + (halfClose ? " half-closed" : "") + (contentLength != null ? " CL=" + contentLength : "") + " body=" + printable(b));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Hostile values.

    static final List<String> PAYLOADS = List.of(
            "' OR '1'='1", "' OR 1=1 --", "\"; DROP TABLE client; --", "admin'--", "1; SELECT pg_sleep(30)--",
            "' UNION SELECT secret_hash FROM client--", "%' OR 1=1 --", "'); DELETE FROM auth_session; --", "\\'; --",
            "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
            "</textarea><svg onload=alert(1)>", "\" onmouseover=\"alert(1)", "<!--", "]]>", "{{7*7}}", "${7*7}",
            "${jndi:ldap://127.0.0.1:1/a}", "#{7*7}", "@{7*7}", "%s%s%s%n", "../../../../etc/passwd", "..\\..\\boot.ini",
            "%2e%2e%2f", "null", "undefined", "true", "[]", "{}", "{\"$ne\":null}", "0", "-1", "99999999999999999999999",
            "NaN", "1e309", "admin", "root", "*", "%", "_", "\\", "\\u0000", "&", "=", "?", "#", "+", ";", ",",
            "adm\u0131n", "\uff41\uff44\uff4d\uff49\uff4e", "admin\u200b", "\u202eevil", "\u00e9", "\u7ba1\u7406\u5458",
            "\ud83d\ude00", "e\u0301", "\ufeff", "\u2028", "\u0085", "\u00a0", "\uffff", "\ufffd");
    static final List<String> CONTROL = List.of("\u0000", "\u0001", "\u0008", "\t", "\n", "\r", "\r\n", "\u001b", "\u007f",
            "\u0000\u0000", "a\u0000b", "\u001f");
    /** Not UTF-8 once decoded, or not %-encoding at all. ("%EF%BF%BD" is not here: it is valid UTF-8 for U+FFFD.) */
    static final List<String> BROKEN_ENCODINGS = List.of("%", "%G1", "%2", "%zz", "%ff", "%c0%af", "%ed%a0%80", "%e2%82",
            "%f8%88%80%80%80", "%-1", "%+1", "%%", "%u0041", "%C3", "%80", "%C0%80", "%F4%90%80%80", "%fe%ff", "a%");
    /**
     * Byte sequences that are not UTF-8. Text is sent as UTF-8 everywhere; a char U+F7xx stands
     * for the single raw byte xx (see {@link #wire}).
     */
    static final List<String> INVALID_UTF8 = List.of("\uf7ff", "\uf7c3", "\uf780", "\uf7c0\uf7af", "\uf7ed\uf7a0\uf780",
            "\uf7fe\uf7ff", "\uf7f8\uf788\uf780\uf780\uf780", "\uf7e2\uf782", "a\uf7ffb");
    static final List<String> WRONG_FORM_TYPES = List.of("text/plain", "application/xml", "multipart/form-data; boundary=xyz",
            "application/x-www-form-urlencode", "application/octet-stream", "text/html", "*/*", "application", "form",
            "text/yaml", "application/jsn", "x-www-form-urlencoded", "text/x-www-form-urlencoded", ";");

    final Random r;
    final Fixture fx;

    HostileRequests(Random r, Fixture fx) {
        this.r = r;
        this.fx = fx;
    }

    <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    @SafeVarargs
    final <T> T oneOf(T... values) {
        return values[r.nextInt(values.length)];
    }

    boolean chance(int percent) {
        return r.nextInt(100) < percent;
    }

    /** A hostile string: injection payloads, unicode, control characters, long runs, forged tokens. */
    String hostile() {
        int k = r.nextInt(100);
        if (k < 45) {
            return pick(PAYLOADS);
        } else if (k < 55) {
            return pick(PAYLOADS) + pick(PAYLOADS);
        } else if (k < 65) {
            return randomUnicode(1 + r.nextInt(40));
        } else if (k < 73) {
            return "x" + pick(CONTROL) + pick(PAYLOADS);
        } else if (k < 78) {
            return String.valueOf((char) ('a' + r.nextInt(26))).repeat(200 + r.nextInt(r.nextBoolean() ? 3000 : 300));
        } else if (k < 88) {
            return pick(fx.forgedAccess());
        } else {
            return randomAscii(1 + r.nextInt(60));
        }
    }

    /** A hostile value that is never empty and never a real id, secret or password. */
    String nonEmptyHostile() {
        String v = hostile();
        return v.isEmpty() || v.isBlank() ? "x" + v : v;
    }

    String randomUnicode(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            int cp;
            if (k < 3) {
                cp = 0x20 + r.nextInt(0x5f);
            } else if (k < 5) {
                cp = 0xa0 + r.nextInt(0x2000);
            } else if (k < 7) {
                cp = 0x4e00 + r.nextInt(0x5000);
            } else if (k < 8) {
                cp = 0x1f300 + r.nextInt(0x300);
            } else if (k < 9) {
                cp = oneOf(0x200b, 0x200e, 0x202e, 0xfeff, 0x2028, 0xfffd, 0x0301, 0xffff);
            } else {
                cp = r.nextInt(0x20);
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    String randomAscii(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (0x21 + r.nextInt(0x5e)));
        }
        return sb.toString();
    }

    /** Remembers values an HTML answer must escape. */
    String tracked(Case c, String v) {
        if (v.indexOf('<') >= 0 || v.indexOf('"') >= 0) {
            c.mustNotReflect.add(v);
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------------
    // Encodings.

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A value sent as it is, not %-encoded (it goes on the wire as UTF-8 like all text). */
    static String raw(String s) {
        return s;
    }

    /** Text to bytes on the wire: UTF-8, except that U+F700..U+F7FF stand for the raw bytes 0x00..0xFF. */
    static byte[] wire(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp >= 0xf700 && cp <= 0xf7ff) {
                out.write(cp & 0xff);
            } else if (cp < 0x80) {
                out.write(cp);
            } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (c >= 0xf700 && c <= 0xf7ff) {
                sb.append(String.format("\\x%02x(raw)", c & 0xff));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String basic(String id, String secret) {
        return "Basic " + b64(enc(id) + ":" + enc(secret));
    }

    /** A form body or query: name=value pairs, %-encoded, with room for hand-made parts. */
    final class Form {
        final List<String> parts = new ArrayList<>();
        final Case c;

        Form(Case c) {
            this.c = c;
        }

        Form p(String name, String value) {
            parts.add(enc(name) + "=" + enc(tracked(c, value)));
            return this;
        }

        Form rawPart(String part) {
            parts.add(part);
            return this;
        }

        /** Up to three extra parameters with hostile names or values, %-encoded or not. */
        Form extras() {
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                String name = oneOf("state", "nonce", "foo", "resource", "claims", "acr_values", "ui_locales", "x" + r.nextInt(100),
                        "audience\u0000", "", "%zz"); // the odd names are %-encoded below, so they stay parameters
                String value = hostile();
                if (chance(75)) {
                    p(name, value);
                } else {
                    // Unencoded: whatever &, = or % it holds splits or breaks the body on purpose.
                    parts.add(enc(name) + "=" + raw(tracked(c, value)));
                }
            }
            return this;
        }

        String build() {
            return String.join("&", parts);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The families.

    Case next(int index) {
        Case c = new Case(index);
        int k = r.nextInt(1000);
        if (k < 230) {
            token(c);
        } else if (k < 345) {
            authorize(c);
        } else if (k < 430) {
            login(c);
        } else if (k < 480) {
            consent(c);
        } else if (k < 540) {
            logout(c);
        } else if (k < 590) {
            introspect(c);
        } else if (k < 640) {
            revoke(c);
        } else if (k < 690) {
            userinfo(c);
        } else if (k < 945) {
            admin(c);
        } else if (k < 990) {
            protocol(c);
        } else {
            huge(c);
        }
        if (chance(10) && c.rawHead == null && (c.expect == REFUSED || c.expect == ANSWERED)) {
            // Hostile cookies anywhere: the SSO and CSRF cookies, garbage, broken quoting.
            c.header("Cookie", oneOf("authbox_sso=" + enc(hostile()), "authbox_csrf=" + raw(hostile()).replace("\r", "").replace("\n", ""),
                    "authbox_sso=\"unterminated", "=;;;=", "authbox_sso=a; authbox_sso=b", "a=b\u0000c", "authbox_csrf=" + "z".repeat(5000)));
        }
        return c;
    }

    // ---- /auth/token ----

    private static final List<String> GRANTS = List.of("client_credentials", "password", "authorization_code", "refresh_token");

    void token(Case c) {
        c.method = "POST";
        c.target = oneOf("/auth/token", "/oauth2/token");
        Form f = new Form(c);
        int v = r.nextInt(10);
        switch (v) {
            case 0, 1 -> {
                c.family = "token/bad-client-auth";
                String grant = chance(85) ? pick(GRANTS) : nonEmptyHostile();
                f.p("grant_type", grant);
                grantParams(f, grant, false);
                badClientAuth(c, f);
                f.extras();
            }
            case 2, 3 -> {
                c.family = "token/valid-client-bad-grant";
                validClientAuth(c, f);
                badGrant(f);
                f.extras();
            }
            case 4 -> {
                c.family = "token/duplicate-parameter";
                validClientAuth(c, f);
                f.p("grant_type", "client_credentials");
                String dup = oneOf("grant_type", "client_id", "scope", "audience", "foo", "client_secret");
                String first = dup.equals("grant_type") ? oneOf("client_credentials", "password") : dup.equals("client_id") ? WEB : "read";
                f.p(dup, first).p(dup, chance(50) ? first : hostile());
                java.util.Collections.shuffle(f.parts, r);
            }
            case 5 -> {
                c.family = "token/broken-encoding";
                validClientAuth(c, f);
                f.p("grant_type", "client_credentials");
                brokenPart(f);
                java.util.Collections.shuffle(f.parts, r);
            }
            case 6 -> {
                c.family = "token/wrong-content-type";
                c.header("Authorization", basic(WEB, fx.webSecret()));
                String type = pick(WRONG_FORM_TYPES);
                c.headers.add(new String[] {"Content-Type", type});
                if (chance(15)) {
                    c.headers.remove(c.headers.size() - 1); // no Content-Type at all
                }
                c.body = wire(chance(70) ? "grant_type=client_credentials" : "{\"grant_type\":\"client_credentials\"}");
                return;
            }
            case 7 -> {
                c.family = "token/malformed-json";
                if (chance(50)) {
                    c.header("Authorization", basic(WEB, fx.webSecret()));
                }
                c.header("Content-Type", oneOf("application/json", "application/json; charset=utf-8"));
                c.body = wire(badTokenJson(c));
                return;
            }
            case 8 -> {
                c.family = "token/forged-jwt-grant";
                validClientAuth(c, f);
                String forged = pick(fx.forgedAccess());
                switch (r.nextInt(5)) {
                    case 0 -> f.p("grant_type", "authorization_code").p("code", forged).p("redirect_uri", REG_CB).p("code_verifier", "v".repeat(43));
                    case 1 -> f.p("grant_type", "refresh_token").p("refresh_token", forged);
                    case 2 -> f.p("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer").p("assertion", forged);
                    case 3 -> f.p("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange").p("subject_token", forged)
                            .p("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
                    default -> f.p("grant_type", "refresh_token").p("refresh_token", pick(fx.forgedId()));
                }
            }
            default -> {
                c.family = "token/control-characters";
                String ctl = pick(CONTROL);
                switch (r.nextInt(4)) {
                    case 0 -> {
                        c.header("Authorization", basic(WEB + ctl, fx.webSecret()));
                        f.p("grant_type", "client_credentials");
                    }
                    case 1 -> f.p("grant_type", "client_credentials").p("client_id", WEB + ctl).p("client_secret", fx.webSecret());
                    case 2 -> {
                        c.header("Authorization", basic(WEB, fx.webSecret()));
                        f.p("grant_type", "password").p("username", oneOf(ALICE, ALICE_EMAIL) + ctl).p("password", fx.alicePassword());
                    }
                    default -> {
                        c.header("Authorization", basic(WEB, fx.webSecret()));
                        f.p("grant_type", "client_credentials" + ctl);
                    }
                }
            }
        }
        c.form(f.build());
        if (chance(5)) {
            c.header("Accept", oneOf("text/yaml", "application/xml", "*/*;q=0", hostile().replace("\r", "").replace("\n", "")));
        }
    }

    /** Parameters of a grant, valid-looking but never enough on their own when authentication is broken. */
    void grantParams(Form f, String grant, boolean realPassword) {
        switch (grant) {
            case "password" -> f.p("username", oneOf(ALICE, ALICE_EMAIL, hostile()))
                    .p("password", realPassword || chance(30) ? fx.alicePassword() : hostile());
            case "authorization_code" -> f.p("code", oneOf(hostile(), pick(fx.forgedAccess()), "A".repeat(43)))
                    .p("redirect_uri", oneOf(REG_CB, hostile())).p("code_verifier", oneOf("v".repeat(43), hostile()));
            case "refresh_token" -> f.p("refresh_token", oneOf(fx.webCcRefresh(), fx.webPwRefresh(), fx.otherRefresh(), hostile()));
            default -> {
                if (chance(50)) {
                    f.p("scope", oneOf("read", "openid", hostile()));
                }
            }
        }
    }

    /** Client authentication that can never succeed. */
    void badClientAuth(Case c, Form f) {
        switch (r.nextInt(14)) {
            case 0 -> c.header("Authorization", basic(WEB, nonEmptyHostile()));
            case 1 -> c.header("Authorization", basic(nonEmptyHostile(), nonEmptyHostile()));
            case 2 -> c.header("Authorization", garbageBasic());
            case 3 -> f.p("client_id", nonEmptyHostile()).p("client_secret", nonEmptyHostile());
            case 4 -> f.p("client_id", WEB).p("client_secret", nonEmptyHostile());
            case 5 -> {
                c.header("Authorization", basic(WEB, fx.webSecret()));
                f.p("client_secret", fx.webSecret()); // two methods at once
            }
            case 6 -> {
                c.header("Authorization", basic(WEB, fx.webSecret()));
                f.p("client_id", OTHER); // Basic and body disagree
            }
            case 7 -> f.p("client_id", SPA).p("client_secret", nonEmptyHostile()); // a public client with a secret
            case 8 -> f.p("client_id", WEB); // a confidential client without its secret
            case 9 -> c.header("Authorization", "Bearer " + oneOf(fx.adminToken(), fx.webCcToken(), pick(fx.forgedAccess())));
            case 10 -> c.header("Authorization", basic(WEB, fx.otherSecret())); // someone else's secret
            case 11 -> c.header("Authorization", basic(fx.adminId(), fx.webSecret()));
            case 12 -> {
                // The header twice: the second is valid, the first is not.
                c.header("Authorization", garbageBasic());
                c.header("Authorization", basic(WEB, fx.webSecret()));
            }
            default -> { } // no client authentication at all
        }
    }

    String garbageBasic() {
        return oneOf("Basic", "Basic ", "Basic !!!!", "Basic " + b64("nocolon"), "Basic " + b64(":" + fx.webSecret()),
                "Basic " + b64("%zz:%zz"), "Basic " + b64(WEB + ":%"), "Basic \u00ff\u00fe",
                "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', (byte) 0xc3}),
                "Basic " + b64(WEB + ":" + fx.webSecret() + "\u0000"), "Basic " + "A".repeat(3000), "Basic ====",
                "Basic " + b64(WEB + ":" + fx.webSecret()) + "!", "basic " + b64(WEB + ":wrong"),
                "Basic " + b64(enc(hostile()) + ":" + enc(hostile())), "Basic " + b64(hostile()), "Digest username=\"web\"",
                "Basic " + b64(WEB + ":" + fx.webSecret()).replace("=", "") + "AAAA", "Basic\u0000" + b64(WEB + ":x"),
                "Basic " + b64(WEB.toUpperCase(Locale.ROOT) + ":" + fx.webSecret()), "Basic " + b64(WEB + " :" + fx.webSecret()),
                "Basic " + b64(WEB + ":" + fx.webSecret() + " "));
    }

    /** Valid client authentication of the confidential client {@code web}, by Basic or in the body. */
    void validClientAuth(Case c, Form f) {
        if (chance(60)) {
            c.header("Authorization", basic(WEB, fx.webSecret()));
        } else {
            f.p("client_id", WEB).p("client_secret", fx.webSecret());
        }
    }

    /** A grant request that valid client authentication cannot rescue: one ingredient is always wrong. */
    void badGrant(Form f) {
        switch (r.nextInt(11)) {
            // A scope no one may have, after a hostile one.
            case 0 -> f.p("grant_type", "client_credentials").p("scope", nonEmptyHostile() + " never-granted");
            case 1 -> f.p("grant_type", "client_credentials").p("audience", nonEmptyHostile());
            case 2 -> f.p("grant_type", "password").p("username", oneOf(ALICE, ALICE_EMAIL)).p("password", nonEmptyHostile());
            case 3 -> f.p("grant_type", "password").p("username", nonEmptyHostile()).p("password", fx.alicePassword());
            case 4 -> f.p("grant_type", "password").p("username", ALICE);
            case 5 -> f.p("grant_type", "authorization_code").p("code", nonEmptyHostile()).p("redirect_uri", REG_CB)
                    .p("code_verifier", oneOf("v".repeat(43), hostile()));
            case 6 -> f.p("grant_type", "refresh_token").p("refresh_token", nonEmptyHostile());
            // Real refresh tokens of this client, with a wider scope: refused inside the rotation, which must roll back.
            case 7 -> f.p("grant_type", "refresh_token").p("refresh_token", oneOf(fx.webCcRefresh(), fx.webPwRefresh()))
                    .p("scope", oneOf("openid profile email read offline_access", nonEmptyHostile() + " never-granted", "admin"));
            // A real refresh token of another client.
            case 8 -> f.p("grant_type", "refresh_token").p("refresh_token", fx.otherRefresh());
            case 9 -> f.p("grant_type", oneOf("implicit", "token", "code", "device_code", "urn:ietf:params:oauth:grant-type:device_code",
                    "CLIENT_CREDENTIALS", "client_credentials ", " client_credentials", "basic", nonEmptyHostile()));
            default -> f.p("grant_type", "client_credentials").p("scope", oneOf("read  openid", "read ", " read", "read\topenid"));
        }
    }

    /** A broken %-encoding or raw invalid UTF-8 somewhere in the form. */
    void brokenPart(Form f) {
        String broken = chance(70) ? pick(BROKEN_ENCODINGS) : pick(INVALID_UTF8);
        switch (r.nextInt(4)) {
            case 0 -> f.rawPart("x=" + broken);
            case 1 -> f.rawPart("scope=read" + broken);
            case 2 -> f.rawPart(broken + "=1");
            // Nothing may follow the broken escape: "%2" + "0..." would make a valid "%20".
            default -> f.rawPart("state=" + enc(hostile()) + broken);
        }
    }

    String badTokenJson(Case c) {
        String valid = "{\"grant_type\":\"client_credentials\",\"client_id\":\"web\",\"client_secret\":\"" + fx.webSecret() + "\"";
        return switch (r.nextInt(16)) {
            case 0 -> valid; // unterminated
            case 1 -> valid + ",\"grant_type\":\"client_credentials\"}";
            case 2 -> valid + ",\"scope\":{\"$ne\":null}}";
            case 3 -> valid + ",\"scope\":[\"read\"]}";
            case 4 -> oneOf("[]", "\"client_credentials\"", "1", "null", "true", "", " ", "[" + valid + "}]");
            case 5 -> "[".repeat(65 + r.nextInt(r.nextBoolean() ? 100 : 50_000));
            case 6 -> "{\"a\":".repeat(65 + r.nextInt(5000)) + "1" + "}".repeat(10);
            case 7 -> valid + "} {}";
            case 8 -> valid + ", /* comment */ \"scope\":\"read\"}";
            case 9 -> "{'grant_type':'client_credentials'}";
            case 10 -> "{grant_type:\"client_credentials\"}";
            case 11 -> valid + ",\"scope\":" + "9".repeat(101 + r.nextInt(1000)) + "}";
            case 12 -> valid + ",\"scope\":\"read" + pick(INVALID_UTF8) + "\"}";
            case 13 -> valid + ",\"scope\":\"" + tracked(c, oneOf("\\u0000", "\\ud800", "\\udfff\\ud800", "read\\u0000", "\\u001f")) + "\"}";
            case 14 -> valid.replace("\"web\"", "\"web\\u0000\"") + "}";
            default -> "\ufeff" + valid + ",\"scope\":NaN}";
        };
    }

    // ---- /auth/authorize ----

    void authorize(Case c) {
        boolean post = chance(25);
        c.method = post ? "POST" : "GET";
        String path = oneOf("/auth/authorize", "/oauth2/authorize");
        Form q = new Form(c);
        int v = r.nextInt(9);
        switch (v) {
            case 0 -> {
                c.family = "authorize/unknown-client";
                q.p("client_id", nonEmptyHostile()).p("response_type", oneOf("code", "token", nonEmptyHostile()))
                        .p("redirect_uri", oneOf(REG_CB, "https://evil.example/cb", hostile())).p("state", hostile());
                q.extras();
            }
            case 1 -> {
                c.family = "authorize/unregistered-redirect-uri";
                boolean spa = chance(30);
                q.p("client_id", spa ? SPA : WEB).p("response_type", oneOf("code", "token", "id_token token", "code id_token", hostile()))
                        .p("redirect_uri", pick(lookalikes(spa ? SPA_CB : REG_CB))).p("state", hostile()).p("scope", "openid")
                        .p("nonce", "n").p("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").p("code_challenge_method", "S256");
                if (chance(30)) {
                    q.p("response_mode", oneOf("form_post", "query", "fragment"));
                }
                q.extras();
            }
            case 2 -> {
                c.family = "authorize/duplicate-core-parameter";
                q.p("response_type", "code").p("state", "s");
                switch (r.nextInt(3)) {
                    case 0 -> q.p("client_id", WEB).p("client_id", oneOf(WEB, SPA, hostile())).p("redirect_uri", REG_CB);
                    case 1 -> q.p("client_id", WEB).p("redirect_uri", REG_CB).p("redirect_uri", oneOf(REG_CB, "https://evil.example/cb"));
                    default -> q.p("client_id", WEB).p("redirect_uri", "https://evil.example/cb").p("response_type", "token");
                }
                java.util.Collections.shuffle(q.parts, r);
            }
            case 3 -> {
                c.family = "authorize/broken-encoding";
                q.p("client_id", WEB).p("response_type", "code").p("redirect_uri", REG_CB);
                brokenPart(q);
                java.util.Collections.shuffle(q.parts, r);
            }
            case 4 -> {
                c.family = "authorize/raw-bytes-in-client-or-redirect";
                if (chance(50)) {
                    q.rawPart("client_id=" + raw(WEB) + pick(INVALID_UTF8)).p("redirect_uri", REG_CB);
                } else {
                    q.p("client_id", WEB).rawPart("redirect_uri=" + enc(REG_CB) + pick(INVALID_UTF8));
                }
                q.p("response_type", "code");
            }
            case 5 -> {
                c.family = "authorize/no-client";
                q.p("response_type", oneOf("code", "token")).p("redirect_uri", oneOf(REG_CB, "https://evil.example/")).p("state", hostile());
                if (chance(50)) {
                    q.p("client_id", "");
                }
                q.extras();
            }
            default -> {
                // A known client and its registered redirect URI (or none, as only one is registered),
                // hostile everything else: errors go to the registered URI, or the user is sent to sign in.
                c.family = "authorize/hostile-parameters-registered-redirect";
                c.expect = ANSWERED;
                boolean spa = chance(25);
                q.p("client_id", spa ? SPA : WEB);
                if (chance(70)) {
                    q.p("redirect_uri", spa ? SPA_CB : REG_CB);
                }
                q.p("response_type", oneOf("code", "code", "token", "id_token", "id_token token", "code id_token token", hostile(), ""));
                String[] names = {"state", "scope", "nonce", "prompt", "max_age", "response_mode", "code_challenge",
                    "code_challenge_method", "login_hint", "ui_locales", "request", "request_uri", "claims", "acr_values", "display", "id_token_hint"};
                int n = 1 + r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    String name = names[r.nextInt(names.length)];
                    q.p(name, name.equals("id_token_hint") ? pick(fx.forgedId()) : hostile());
                }
                if (chance(15)) {
                    q.p("state", "again");
                }
            }
        }
        if (post) {
            if (v == 5 && chance(50)) {
                c.family = "authorize/post-wrong-content-type";
                c.target = path;
                c.header("Content-Type", pick(WRONG_FORM_TYPES));
                c.body = wire("client_id=web&response_type=code&redirect_uri=" + enc(REG_CB));
                c.expect = REFUSED;
                return;
            }
            c.target = path;
            c.form(q.build());
        } else {
            c.target = path + "?" + q.build();
        }
    }

    /** Near misses of a registered redirect URI: each must be refused as unregistered. */
    static List<String> lookalikes(String registered) {
        URI u = URI.create(registered);
        String host = u.getHost();
        String path = u.getPath();
        String origin = "https://" + host;
        List<String> out = new ArrayList<>(List.of(
                registered + "/", registered + "x", registered.substring(0, registered.length() - 1), registered + "/../evil",
                registered + "?x=1", registered + "?", registered + "#x", registered + "%2F..%2Fevil", origin + path.toUpperCase(Locale.ROOT),
                registered.toUpperCase(Locale.ROOT), "https://" + host.toUpperCase(Locale.ROOT) + path, "http://" + host + path,
                "https://" + host + ":443" + path, "https://" + host + ":8443" + path, "https://" + host + ".evil.example" + path,
                "https://evil.example/" + host + path, "https://" + host + "@evil.example" + path, "https://evil.example@" + host + path,
                "https://evil.example\\@" + host + path, "https://" + host + "\\.evil.example" + path, "//" + host + path, "//evil.example",
                "https:" + host + path, registered + " ", " " + registered, registered + "\u0000", registered + "%00",
                enc(registered), "https://" + host.replace('a', '\u0430') + path, "https://" + host + "\u3002evil.example" + path,
                "javascript:alert(1)//" + registered, "data:text/html,<script>alert(1)</script>", registered + "\r\nLocation: https://evil.example",
                registered + "/%2e%2e/evil", "https://" + host + "/" + path, "https://" + host + "/." + path, registered + ";evil",
                "https://evil.example", "", "*", "https://" + host, "https://" + host + "/", registered + "?redirect=https://evil.example",
                registered + "#@evil.example", "HTTPS://" + host + path, "https://" + host + "." + path, "https://" + host + ":" + path,
                "https://" + host + ":0" + path, "https://user:pass@" + host + path, registered + "\t", registered + "\n"));
        return out;
    }

    // ---- /auth/login ----

    void login(Case c) {
        c.target = "/auth/login";
        int v = r.nextInt(7);
        if (v == 0) {
            c.family = "login/show-hostile-return-to-and-hint";
            c.method = "GET";
            c.expect = ANSWERED;
            Form q = new Form(c);
            q.p("return_to", oneOf(hostile(), "/auth/authorize?" + hostile(), "https://evil.example/", "//evil.example",
                    "/auth/authorize?client_id=web&redirect_uri=" + enc("https://evil.example/") + "&x=" + raw(hostile())));
            q.p("login_hint", hostile());
            if (chance(30)) {
                q.rawPart("login_hint=" + pick(BROKEN_ENCODINGS));
            }
            c.target = "/auth/login?" + q.build();
            return;
        }
        c.method = "POST";
        Form f = new Form(c);
        String csrf = randomAscii(40).replace(";", "x").replace(",", "y").replace("\"", "q").replace("\\", "b");
        switch (v) {
            case 1 -> {
                c.family = "login/csrf-missing-or-wrong";
                // Even the right password is refused without the CSRF double submit.
                f.p("login", oneOf(ALICE, ALICE_EMAIL)).p("password", chance(50) ? fx.alicePassword() : hostile())
                        .p("return_to", oneOf("", "/auth/authorize?client_id=web&response_type=code", hostile()));
                switch (r.nextInt(4)) {
                    case 0 -> { } // neither cookie nor field
                    case 1 -> f.p("csrf", csrf); // field without cookie
                    case 2 -> {
                        c.header("Cookie", "authbox_csrf=" + csrf);
                        f.p("csrf", csrf + "x");
                    }
                    default -> c.header("Cookie", "authbox_csrf=" + csrf); // cookie without field
                }
                c.expect = status(403, 400);
            }
            case 2, 3 -> {
                c.family = "login/wrong-credentials";
                c.header("Cookie", "authbox_csrf=" + csrf);
                f.p("csrf", csrf);
                if (chance(50)) {
                    f.p("login", oneOf(ALICE, ALICE_EMAIL)).p("password", nonEmptyHostile());
                } else {
                    f.p("login", nonEmptyHostile()).p("password", chance(50) ? fx.alicePassword() : hostile());
                }
                f.p("return_to", oneOf("", "/auth/authorize?client_id=web", hostile()));
                f.extras();
            }
            case 4 -> {
                c.family = "login/broken-form";
                c.header("Cookie", "authbox_csrf=" + csrf);
                f.p("csrf", csrf).p("login", ALICE).p("password", fx.alicePassword() + "!");
                if (chance(50)) {
                    brokenPart(f);
                } else {
                    f.p(oneOf("login", "password", "csrf"), ALICE);
                }
                java.util.Collections.shuffle(f.parts, r);
            }
            case 5 -> {
                c.family = "login/empty-or-oversized-login";
                c.header("Cookie", "authbox_csrf=" + csrf);
                f.p("csrf", csrf).p("login", oneOf("", "   ", "a".repeat(321 + r.nextInt(5000)))).p("password", oneOf("", hostile()));
            }
            default -> {
                c.family = "login/not-a-form";
                c.header("Cookie", "authbox_csrf=" + csrf);
                c.header("Content-Type", oneOf("application/json", "text/plain", "multipart/form-data; boundary=b"));
                c.body = wire(oneOf("{\"csrf\":\"" + csrf + "\",\"login\":\"alice\",\"password\":\"" + fx.alicePassword() + "\"}",
                        "--b\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nalice\r\n--b--\r\n"));
                return;
            }
        }
        c.form(f.build());
    }

    // ---- /auth/grant ----

    void consent(Case c) {
        c.target = "/auth/grant";
        int v = r.nextInt(5);
        String csrf = randomAscii(40).replace(";", "x").replace(",", "y").replace("\"", "q").replace("\\", "b");
        Form f = new Form(c);
        String validReturn = "/auth/authorize?client_id=web&response_type=code&redirect_uri=" + enc(REG_CB)
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=openid";
        switch (v) {
            case 0 -> {
                c.family = "consent/csrf-missing-or-wrong";
                c.method = "POST";
                // With the real SSO cookie too: approving without the CSRF double submit must not store a Grant.
                String cookies = chance(50) ? "authbox_sso=" + fx.ssoCookie() : "";
                if (chance(50)) {
                    cookies += (cookies.isEmpty() ? "" : "; ") + "authbox_csrf=" + csrf;
                    f.p("csrf", csrf + "0");
                }
                if (!cookies.isEmpty()) {
                    c.header("Cookie", cookies);
                }
                f.p("decision", "approve").p("return_to", oneOf(validReturn, hostile()));
                c.form(f.build());
                c.expect = status(403, 400); // 400 when the form itself is malformed (a U+FFFD in a value)
            }
            case 1 -> {
                c.family = "consent/invalid-return-to";
                c.method = "POST";
                c.header("Cookie", "authbox_csrf=" + csrf);
                f.p("csrf", csrf).p("decision", oneOf("approve", "deny", hostile())).p("return_to", oneOf(nonEmptyHostile(),
                        "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/auth/authorize",
                        "/auth/authorize#?x", "/auth/authorize?" + "a".repeat(8001), "/auth/authorize?x=\\", "/auth/authorize? x",
                        "/auth/authorize?x=" + raw("\u00e9"), "/auth/authorize?x\r\nLocation: https://evil.example"));
                c.form(f.build());
                c.expect = status(400);
            }
            case 2 -> {
                c.family = "consent/return-to-without-session";
                c.method = "POST";
                c.expect = ANSWERED; // back to the (local) authorization request, which will ask to sign in
                c.header("Cookie", "authbox_csrf=" + csrf + (chance(50) ? "; authbox_sso=" + enc(hostile()) : ""));
                f.p("csrf", csrf).p("decision", oneOf("approve", "deny", hostile()))
                        .p("return_to", oneOf(validReturn, "/auth/authorize?client_id=" + enc(hostile()) + "&redirect_uri=" + enc("https://evil.example/"),
                                "/auth/authorize?" + randomAscii(30).replace("#", "").replace("\\", "")));
                c.form(f.build());
            }
            case 3 -> {
                c.family = "consent/show-hostile-return-to";
                c.method = "GET";
                c.expect = ANSWERED;
                c.target = "/auth/grant?return_to=" + oneOf(enc(hostile()), enc("https://evil.example/"), enc("//evil.example"),
                        enc(validReturn), enc("/auth/authorize?redirect_uri=https://evil.example/&client_id=web"), pick(BROKEN_ENCODINGS));
                tracked(c, c.target);
            }
            default -> {
                c.family = "consent/broken-form";
                c.method = "POST";
                c.header("Cookie", "authbox_csrf=" + csrf);
                f.p("csrf", csrf).p("decision", "approve").p("return_to", validReturn);
                if (chance(50)) {
                    brokenPart(f);
                } else {
                    f.p("decision", "deny");
                }
                java.util.Collections.shuffle(f.parts, r);
                c.form(f.build());
                c.expect = status(400, 403);
            }
        }
    }

    // ---- /auth/logout ----

    void logout(Case c) {
        boolean post = chance(35);
        c.method = post ? "POST" : "GET";
        Form q = new Form(c);
        int v = r.nextInt(5);
        switch (v) {
            case 0 -> {
                c.family = "logout/forged-id-token-hint";
                q.p("id_token_hint", pick(fx.forgedId()));
                if (chance(50)) {
                    q.p("post_logout_redirect_uri", BYE).p("client_id", WEB);
                }
                if (chance(50)) {
                    c.header("Cookie", "authbox_sso=" + fx.ssoCookie());
                }
                c.expect = status(400);
            }
            case 1 -> {
                c.family = "logout/unregistered-post-logout-redirect";
                List<String> candidates = new ArrayList<>(lookalikes(BYE));
                candidates.removeAll(REGISTERED);
                q.p("post_logout_redirect_uri", pick(candidates));
                switch (r.nextInt(3)) {
                    case 0 -> q.p("client_id", WEB);
                    case 1 -> q.p("id_token_hint", fx.webIdToken());
                    default -> { }
                }
                if (chance(50)) {
                    c.header("Cookie", "authbox_sso=" + fx.ssoCookie());
                }
                q.p("state", hostile());
                c.expect = status(400);
            }
            case 2 -> {
                c.family = "logout/client-id-does-not-match-hint";
                q.p("id_token_hint", fx.webIdToken()).p("client_id", oneOf(OTHER, SPA, nonEmptyHostile()));
                if (chance(50)) {
                    q.p("post_logout_redirect_uri", BYE);
                }
                if (chance(50)) {
                    c.header("Cookie", "authbox_sso=" + fx.ssoCookie());
                }
                c.expect = status(400);
            }
            case 3 -> {
                c.family = "logout/broken-or-duplicate";
                q.p("state", "s");
                if (chance(50)) {
                    brokenPart(q);
                } else {
                    q.p("post_logout_redirect_uri", BYE).p("client_id", WEB).p("post_logout_redirect_uri", "https://evil.example/");
                }
                java.util.Collections.shuffle(q.parts, r);
                c.expect = status(400);
            }
            default -> {
                // No session, no hint, no redirect: a "signed out" page, whatever else is sent.
                c.family = "logout/hostile-extras-without-session";
                c.expect = ANSWERED;
                q.p("state", hostile()).p("ui_locales", hostile());
                if (chance(40)) {
                    q.p("client_id", hostile());
                }
                if (chance(20)) {
                    c.header("Cookie", "authbox_sso=" + enc(hostile()));
                }
            }
        }
        if (post && chance(80)) {
            c.target = "/auth/logout";
            c.form(q.build());
        } else {
            c.target = "/auth/logout?" + q.build();
        }
    }

    // ---- /auth/introspect and /auth/revoke ----

    void introspect(Case c) {
        c.method = "POST";
        c.target = oneOf("/auth/introspect", "/oauth2/introspect");
        tokenToolRequest(c, "introspect");
    }

    void revoke(Case c) {
        c.method = "POST";
        c.target = oneOf("/auth/revoke", "/oauth2/revoke");
        tokenToolRequest(c, "revoke");
    }

    private void tokenToolRequest(Case c, String what) {
        Form f = new Form(c);
        int v = r.nextInt(4);
        switch (v) {
            case 0 -> {
                c.family = what + "/bad-client-auth";
                f.p("token", oneOf(fx.webCcToken(), fx.otherJwt(), hostile()));
                if (chance(30)) {
                    f.p("token_type_hint", oneOf("access_token", "refresh_token", hostile()));
                }
                if (what.equals("introspect") && chance(30)) {
                    f.p("client_id", SPA); // a public client may not introspect
                } else {
                    badClientAuth(c, f);
                }
                c.form(f.build());
            }
            case 1 -> {
                c.family = what + "/malformed";
                c.header("Authorization", chance(50) ? basic(WEB, fx.webSecret()) : basic(fx.adminId(), fx.adminSecret()));
                switch (r.nextInt(5)) {
                    case 0 -> f.p("token_type_hint", "access_token");
                    case 1 -> f.p("token", "");
                    case 2 -> f.p("token", pick(fx.forgedAccess())).p("token", fx.otherJwt());
                    case 3 -> {
                        f.p("token", "abc");
                        brokenPart(f);
                    }
                    default -> {
                        c.header("Content-Type", pick(WRONG_FORM_TYPES));
                        c.body = wire("token=" + enc(fx.otherJwt()));
                        return;
                    }
                }
                c.form(f.build());
            }
            default -> {
                // Valid client, token forged, garbage or someone else's: nothing to see, nothing revoked.
                c.family = what + "/forged-or-foreign-token";
                // 400 only when the form itself is malformed (a literal U+FFFD in a hostile value).
                c.expect = what.equals("introspect") ? INACTIVE : status(200, 400);
                boolean asWeb = what.equals("introspect") ? chance(50) : chance(60);
                String token;
                if (asWeb) {
                    token = what.equals("introspect") ? oneOf(pick(fx.forgedAccess()), pick(fx.forgedId()), nonEmptyHostile())
                            : oneOf(pick(fx.forgedAccess()), pick(fx.forgedId()), nonEmptyHostile(), fx.otherJwt(), fx.otherRefresh());
                } else {
                    token = what.equals("introspect") ? oneOf(pick(fx.forgedAccess()), nonEmptyHostile(), fx.webIdToken())
                            : oneOf(pick(fx.forgedAccess()), fx.webCcToken(), fx.webCcRefresh(), fx.webPwAccess(), fx.webPwRefresh());
                }
                if (what.equals("introspect") && !asWeb && token.equals(fx.webIdToken())) {
                    c.family = "introspect/id-token-is-not-an-access-token";
                }
                if (asWeb) {
                    c.header("Authorization", basic(WEB, fx.webSecret()));
                } else if (what.equals("introspect")) {
                    c.header("Authorization", basic(fx.adminId(), fx.adminSecret()));
                } else {
                    c.header("Authorization", basic(OTHER, fx.otherSecret()));
                }
                f.p("token", token);
                if (chance(40)) {
                    f.p("token_type_hint", oneOf("access_token", "refresh_token", hostile()));
                }
                c.form(f.build());
            }
        }
    }

    // ---- /auth/userinfo ----

    void userinfo(Case c) {
        c.family = "userinfo/bad-token";
        c.target = oneOf("/auth/userinfo", "/oauth2/userinfo");
        c.method = chance(60) ? "GET" : "POST";
        String bearer = oneOf(pick(fx.forgedAccess()), pick(fx.forgedAccess()), pick(fx.forgedId()), fx.webIdToken(), fx.webCcToken(),
                fx.otherJwt(), fx.webPwRefresh(), hostile().replace("\r", "").replace("\n", ""));
        switch (r.nextInt(6)) {
            case 0 -> c.header("Authorization", "Bearer " + bearer);
            case 1 -> c.header("Authorization", oneOf("Bearer", "Bearer ", "Bearer  ", "bearer " + bearer, "BEARER " + pick(fx.forgedAccess()),
                    "Bearer " + bearer + " extra", "Basic " + b64(WEB + ":" + fx.webSecret()), "Token " + bearer, garbageBasic()));
            case 2 -> {
                c.method = "POST";
                c.form("access_token=" + enc(bearer));
            }
            case 3 -> {
                c.method = "POST";
                c.form("access_token=" + enc(bearer) + "&access_token=" + enc(bearer));
            }
            case 4 -> {
                c.method = "POST";
                c.form("access_token=" + pick(BROKEN_ENCODINGS));
            }
            default -> {
                c.method = "GET";
                c.target += "?access_token=" + enc(bearer); // tokens in the query are not accepted
            }
        }
        if (r.nextInt(5) == 0) {
            c.header("Accept", oneOf("application/jwt", "text/html", "*/*"));
        }
    }

    // ---- admin API ----

    private static final List<String> RESOURCES = List.of("Client", "User", "Grant", "Session");

    void admin(Case c) {
        String type = pick(RESOURCES);
        int v = r.nextInt(10);
        if (chance(15)) {
            c.header("Accept", oneOf("text/yaml", "application/yaml", "application/json", "text/html", hostile().replace("\r", "").replace("\n", "")));
        }
        switch (v) {
            case 0, 1, 2 -> {
                c.family = "admin/not-admin";
                c.method = oneOf("GET", "POST", "PUT", "DELETE");
                boolean item = !c.method.equals("POST") && (c.method.equals("PUT") || chance(50));
                c.target = "/" + type + (item ? "/" + oneOf(WEB, ALICE, "fz-" + r.nextInt(1000), enc(hostile())) : "");
                switch (r.nextInt(9)) {
                    case 0 -> { }
                    case 1 -> c.header("Authorization", garbageBasic());
                    case 2 -> c.header("Authorization", basic(fx.adminId(), nonEmptyHostile()));
                    case 3 -> c.header("Authorization", "Bearer " + pick(fx.forgedAccess()));
                    case 4 -> {
                        c.header("Authorization", "Bearer " + oneOf(fx.webCcToken(), fx.otherJwt(), fx.webPwAccess()));
                        if (c.target.equals("/Session") && c.method.equals("DELETE")) {
                            c.method = "GET"; // DELETE /Session with one's own token ends it, by design
                        }
                    }
                    case 5 -> c.header("Authorization", basic(BASIC_ONLY, fx.basicOnlySecret()));
                    case 6 -> c.header("Authorization", basic(WEB, fx.webSecret())); // a client without the basic grant
                    case 7 -> c.header("Authorization", "Bearer " + fx.webIdToken());
                    default -> c.header("Authorization", basic(fx.adminId().toUpperCase(Locale.ROOT), fx.adminSecret()));
                }
                if (c.method.equals("POST") || c.method.equals("PUT")) {
                    // A perfectly valid body: refused all the same.
                    c.header("Content-Type", "application/json");
                    c.body = wire(validBody(type));
                }
            }
            case 3, 4, 5 -> {
                c.family = "admin/bad-body";
                type = oneOf("Client", "User", "Grant");
                adminAuth(c);
                c.method = oneOf("PUT", "POST");
                String id = oneOf("fz-" + r.nextInt(100_000), WEB, ALICE, OTHER);
                c.target = "/" + type + (c.method.equals("PUT") ? "/" + id : "");
                badResourceBody(c, type);
            }
            case 6, 7 -> {
                c.family = "admin/hostile-id";
                adminAuth(c);
                c.method = oneOf("GET", "DELETE", "PUT");
                String id = hostileId();
                c.target = "/" + type + "/" + id;
                if (c.method.equals("PUT")) {
                    c.header("Content-Type", "application/json");
                    c.body = wire(validBody(type));
                }
            }
            case 8 -> {
                c.family = "admin/bad-search";
                adminAuth(c);
                c.method = "GET";
                String q = oneOf("_count=" + enc(nonEmptyHostile()), "_page=0", "_page=-1", "_count=1001", "_count=1&_count=2",
                        enc(nonEmptyHostile()) + "=1", "name=" + enc(hostile()), "id=" + enc("a" + pick(CONTROL)), "id=" + "a".repeat(1001),
                        "_count=" + pick(BROKEN_ENCODINGS), "_sort=" + enc("id; DROP TABLE client"), "_count=9999999999999",
                        "id=a&id=b", "email=" + enc("x" + pick(CONTROL)));
                c.target = "/" + type + "?" + q;
                if (q.startsWith("id=") && q.length() < 1000 && !q.contains("%") && !q.contains("&")) {
                    c.target = "/" + type + "?id=a%00"; // a plain id search would be a valid request
                }
            }
            default -> {
                c.family = "admin/session";
                switch (r.nextInt(4)) {
                    case 0 -> {
                        c.method = "DELETE";
                        c.target = "/Session";
                        c.header("Authorization", "Bearer " + oneOf(pick(fx.forgedAccess()), nonEmptyHostile().replace("\r", "").replace("\n", ""), fx.webIdToken()));
                    }
                    case 1 -> {
                        c.method = "DELETE";
                        c.target = "/Session";
                        c.header("Authorization", oneOf(basic(fx.adminId(), fx.adminSecret()), garbageBasic()));
                    }
                    case 2 -> {
                        adminAuth(c);
                        c.method = oneOf("GET", "DELETE");
                        c.target = "/Session/" + hostileId();
                    }
                    default -> {
                        adminAuth(c);
                        c.method = oneOf("PUT", "POST", "PATCH");
                        c.target = "/Session" + (chance(50) ? "/" + hostileId() : "");
                        c.header("Content-Type", "application/json");
                        c.body = wire("{\"ended\":1}");
                    }
                }
            }
        }
    }

    void adminAuth(Case c) {
        c.header("Authorization", chance(70) ? basic(fx.adminId(), fx.adminSecret()) : "Bearer " + fx.adminToken());
    }

    /** An id that the resource id rules refuse (or that names nothing), %-encoded for the path or not. */
    String hostileId() {
        // ("." and ".." are valid ids by the server's rules, so they are not used here.)
        String id = oneOf(nonEmptyHostile(), randomUnicode(1 + r.nextInt(10)), "a".repeat(129), "web'", "web;", "web\"", "web--",
                "web%00", "web%2Fx", "web/../admin", "\u00e9", "\u7ba1\u7406\u5458", "admin ", " admin", "%2e%2e%2fadmin");
        if (id.matches("[A-Za-z0-9._~@-]{1,128}")) {
            id = id + "'";
        }
        return switch (r.nextInt(4)) {
            case 0 -> raw(id).replace(" ", "%20").replace("?", "%3F").replace("#", "%23").replace("\r", "%0D").replace("\n", "%0A");
            default -> id.startsWith("%") || id.contains("%00") || id.contains("%2F") ? id : enc(id).replace("+", "%20");
        };
    }

    String validBody(String type) {
        return switch (type) {
            case "Client" -> "{\"secret\":\"fuzz-secret\",\"grant_types\":[\"client_credentials\"]}";
            case "User" -> "{\"email\":\"fz" + r.nextInt(1_000_000) + "@example.com\",\"password\":\"fuzz-password\"}";
            case "Grant" -> "{\"user\":{\"id\":\"alice\"},\"client\":{\"id\":\"web\"},\"scope\":\"openid\"}";
            default -> "{}";
        };
    }

    /** A field that makes a resource of this type invalid whatever else it holds. */
    static String invalidField(String type) {
        return switch (type) {
            case "Client" -> "\"grant_types\":42";
            case "User" -> "\"inactive\":\"maybe\"";
            case "Grant" -> "\"user\":\"alice\"";
            default -> "\"resourceType\":\"Nope\"";
        };
    }

    void badResourceBody(Case c, String type) {
        boolean yaml = chance(40);
        String hostile = hostile();
        String bad = invalidField(type);
        String json;
        String yamlText;
        if (chance(8)) {
            c.header("Content-Type", pick(WRONG_FORM_TYPES.subList(0, 9)));
            c.body = wire(validBody(type));
            c.expect = status(415, 400);
            return;
        }
        c.header("Content-Type", yaml ? oneOf("text/yaml", "application/yaml", "application/x-yaml", "text/yaml; charset=utf-8")
                : oneOf("application/json", "application/json; charset=utf-8"));
        if (yaml) {
            String y = switch (r.nextInt(15)) {
                case 0 -> billionLaughs();
                case 1 -> "base: &b {secret: x, grant_types: [client_credentials]}\n<<: *b\n";
                case 2 -> "grant_types: &g [client_credentials]\nscope: *g\n";
                case 3 -> "name: !!java.net.URL [\"http://127.0.0.1:1/\"]\n" + yamlLine(bad);
                case 4 -> "x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n" + yamlLine(bad);
                case 5 -> "a:\n" + nestedYaml(65 + r.nextInt(300));
                case 6 -> "[".repeat(65 + r.nextInt(10_000));
                case 7 -> yamlLine(bad) + "\n---\nsecret: second-document\n";
                case 8 -> "secret: a\nsecret: b\n" + yamlLine(bad);
                case 9 -> oneOf("- a\n- b\n", "just a string\n", "~\n", "", "42\n", "? [a, b]\n: c\n", "!!binary aGVsbG8=\n");
                case 10 -> "name: \"\\0\\x01\"\n" + yamlLine(bad);
                case 11 -> "name: " + pick(INVALID_UTF8) + "\n" + yamlLine(bad);
                case 12 -> "name: 1" + "0".repeat(101 + r.nextInt(500)) + "\n" + yamlLine(bad);
                case 13 -> "name: '" + tracked(c, hostile).replace("'", "''") + "'\n" + yamlLine(bad);
                default -> "{" + yamlLine(bad).replace("\n", "") + ", name: [unclosed\n";
            };
            c.body = wire(y);
            return;
        }
        json = switch (r.nextInt(17)) {
            case 0 -> "{" + bad;
            case 1 -> "{\"name\":\"a\",\"name\":\"b\"," + bad + "}";
            case 2 -> "[".repeat(65 + r.nextInt(50_000));
            case 3 -> "{\"data\":" + "{\"a\":".repeat(65 + r.nextInt(3000)) + "1" + "}".repeat(66) + "," + bad + "}";
            case 4 -> oneOf("[]", "\"Client\"", "1", "null", "true", "", " ");
            case 5 -> "{" + bad + "} trailing";
            case 6 -> "{" + bad + ",\"name\":\"" + pick(INVALID_UTF8) + "\"}";
            case 7 -> "{" + bad + ",\"name\":\"a\u0000b\"}"; // a raw NUL inside a string is not JSON
            case 8 -> "{" + bad + ",\"name\":\"\\u0000\"}";
            case 9 -> "{" + bad + ",\"name\":" + "1".repeat(101 + r.nextInt(500)) + "}";
            case 10 -> "{\"resourceType\":\"" + (type.equals("User") ? "Client" : "User") + "\"," + bad + "}";
            case 11 -> "{\"id\":\"not-the-url-id\"," + bad + "}";
            case 12 -> "{" + bad + ",\"name\":" + jsonString(tracked(c, hostile)) + ",\"" + jsonEscape(tracked(c, hostile())) + "\":1}";
            case 13 -> switch (type) {
                case "Client" -> oneOf("{\"secret\":123}", "{\"secret\":\"\"}", "{\"secret\":\"" + "s".repeat(1025) + "\"}",
                        "{\"grant_types\":\"client_credentials\"}", "{\"grant_types\":[\"client_credentials\",\"evil\"]}",
                        "{\"auth\":{\"password\":{\"token_format\":" + jsonString(tracked(c, hostile)) + "}}}", "{\"auth\":{\"evil\":{}}}",
                        "{\"redirect_uri\":" + jsonString("not a uri " + hostile) + "}", "{\"scope\":[\"a b\"]}",
                        "{\"auth\":{\"client_credentials\":{\"access_token_expiration\":-1}}}", "{\"first_party\":\"yes\"}",
                        "{\"post_logout_redirect_uris\":[\"relative/path\"]}", "{\"name\":" + jsonString("n".repeat(201)) + "}");
                case "User" -> oneOf("{\"email\":" + jsonString(tracked(c, hostile) + " not-an-email") + "}", "{\"password\":42}",
                        "{\"password\":\"\"}", "{\"data\":\"x\"}", "{\"inactive\":\"yes\"}", "{\"email\":\"a@b@c\"}",
                        "{\"email\":" + jsonString("x".repeat(65) + "@example.com") + "}");
                case "Grant" -> oneOf("{}", "{\"user\":{\"id\":5},\"client\":{\"id\":\"web\"}}", "{\"user\":{\"id\":\"alice\"},\"client\":{}}",
                        "{\"user\":{\"id\":\"alice\"},\"client\":{\"id\":\"web\"},\"scope\":\"a  b\"}",
                        "{\"user\":{\"id\":\"alice\"},\"client\":{\"id\":\"web\"},\"scope\":" + jsonString(tracked(c, hostile) + " \"q\"") + "}");
                default -> "{}";
            };
            case 14 -> "\ufeff{" + bad;
            case 15 -> "{" + bad + ",\"name\":\"\\ud800\"}";
            default -> "{\"secret\":" + jsonString(hostile) + ",\"password\":" + jsonString(hostile) + "," + bad + "}";
        };
        c.body = wire(json);
    }

    static String yamlLine(String jsonField) {
        // "\"grant_types\":42" -> "grant_types: 42"
        int colon = jsonField.indexOf(':');
        return jsonField.substring(1, colon - 1) + ": " + jsonField.substring(colon + 1) + "\n";
    }

    String billionLaughs() {
        StringBuilder y = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        int levels = 5 + r.nextInt(5);
        for (int i = 1; i <= levels; i++) {
            y.append('a').append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                y.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        return y.toString();
    }

    static String nestedYaml(int depth) {
        StringBuilder y = new StringBuilder();
        for (int i = 1; i <= depth; i++) {
            y.append("  ".repeat(i)).append("a:\n");
        }
        y.append("  ".repeat(depth + 1)).append("b: 1\n");
        return y.toString();
    }

    static String jsonString(String s) {
        return "\"" + jsonEscape(s) + "\"";
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    // ---- HTTP-level malformations ----

    void protocol(Case c) {
        String path = oneOf("/auth/token", "/auth/revoke", "/auth/introspect", "/auth/login", "/auth/grant", "/Client/fz-proto");
        String auth = path.startsWith("/Client") ? basic(fx.adminId(), fx.adminSecret()) : basic(WEB, "wrong-" + r.nextInt(100));
        String method = path.startsWith("/Client") ? "PUT" : "POST";
        String type = path.startsWith("/Client") ? "application/json" : "application/x-www-form-urlencoded";
        String body = path.startsWith("/Client") ? "{\"grant_types\":42}" : "grant_type=client_credentials";
        String host = "Host: 127.0.0.1:" + fx.port() + "\r\n";
        String base = method + " " + path + " HTTP/1.1\r\n" + host + "Authorization: " + auth + "\r\nContent-Type: " + type + "\r\n";
        int v = r.nextInt(17);
        c.family = "http/" + switch (v) {
            case 0 -> "content-length-and-chunked";
            case 1 -> "bad-chunk-size";
            case 2 -> "content-length-not-a-number";
            case 3 -> "two-content-lengths";
            case 4 -> "header-without-colon";
            case 5 -> "space-in-header-name";
            case 6 -> "obs-fold";
            case 7 -> "nul-in-header";
            case 8 -> "raw-bytes-in-path";
            case 9 -> "no-host";
            case 10 -> "two-hosts";
            case 11 -> "extra-spaces-in-request-line";
            case 12 -> "truncated-body-then-eof";
            case 13 -> "huge-header";
            case 14 -> "many-headers";
            case 15 -> "huge-uri";
            default -> "bare-cr-or-lf";
        };
        switch (v) {
            case 0 -> c.rawHead = base + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nabcde\r\n0\r\n\r\n";
            case 1 -> c.rawHead = base + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + oneOf("zz", "-1", "fffffffffffffffff", "5;" + "x".repeat(9000), "")
                    + "\r\nabcde\r\n0\r\n\r\n";
            case 2 -> c.rawHead = base + "Content-Length: " + oneOf("abc", "-1", "99999999999999999999", "1e3", "0x10", " ", "+5", "5 5") + "\r\nConnection: close\r\n\r\n" + body;
            case 3 -> c.rawHead = base + "Content-Length: " + body.length() + "\r\nContent-Length: " + (body.length() + 3)
                    + "\r\nConnection: close\r\n\r\n" + body + "abc";
            case 4 -> c.rawHead = base + "NoColonHere\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 5 -> c.rawHead = base + "Content Length: " + body.length() + "\r\nX Bad : 1\r\nConnection: close\r\n\r\n" + body;
            case 6 -> c.rawHead = base + "X-Folded: a\r\n b\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 7 -> c.rawHead = base + "X-Nul: a\u0000b\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 8 -> c.rawHead = method + " " + path + pick(INVALID_UTF8) + oneOf("", "?x=" + pick(INVALID_UTF8)) + " HTTP/1.1\r\n" + host
                    + "Authorization: " + auth + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 9 -> c.rawHead = method + " " + path + " HTTP/1.1\r\nAuthorization: " + auth + "\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 10 -> c.rawHead = base + "Host: evil.example\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 11 -> c.rawHead = method + "  " + path + "  HTTP/1.1\r\n" + host + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            case 12 -> {
                // The body is shorter than announced and the client half-closes: an early EOF.
                c.rawHead = base + "Content-Length: " + (body.length() + 10 + r.nextInt(1000)) + "\r\nConnection: close\r\n\r\n" + body;
                c.halfClose = true;
            }
            case 13 -> c.rawHead = base + "X-Big: " + "b".repeat(17_000 + r.nextInt(40_000)) + "\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body;
            case 14 -> {
                StringBuilder many = new StringBuilder(base);
                int n = 1000 + r.nextInt(3000);
                for (int i = 0; i < n; i++) {
                    many.append("X-H").append(i).append(": v\r\n");
                }
                c.rawHead = many + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            }
            case 15 -> c.rawHead = "GET " + oneOf("/auth/authorize", "/auth/login", "/Client", "/auth/logout") + "?x=" + "u".repeat(17_000 + r.nextInt(40_000))
                    + " HTTP/1.1\r\n" + host + "Authorization: " + auth + "\r\nConnection: close\r\n\r\n";
            default -> c.rawHead = method + " " + path + " HTTP/1.1\r" + host + oneOf("\rX: y\n", "X: y\r\r\n", "\n\r\n") + "Connection: close\r\n\r\n";
        }
        c.method = method;
        c.target = path;
    }

    // ---- huge bodies ----

    void huge(Case c) {
        c.family = "huge/body-over-limit";
        String[][] endpoints = {
            {"POST", "/auth/token", "form"}, {"POST", "/auth/revoke", "form"}, {"POST", "/auth/introspect", "form"},
            {"POST", "/auth/login", "form"}, {"POST", "/auth/grant", "form"}, {"POST", "/auth/authorize", "form"},
            {"POST", "/auth/logout", "form"}, {"POST", "/auth/userinfo", "form"}, {"PUT", "/Client/fz-huge", "json"},
            {"POST", "/User", "json"}, {"PUT", "/Grant/fz-huge", "yaml"}};
        String[] e = endpoints[r.nextInt(endpoints.length)];
        c.method = e[0];
        c.target = e[1];
        if (!e[2].equals("form")) {
            c.header("Authorization", basic(fx.adminId(), fx.adminSecret()));
        }
        int size = 1_000_001 + r.nextInt(1_100_000);
        String filler = "x".repeat(size);
        String text = switch (e[2]) {
            case "form" -> "grant_type=client_credentials&scope=" + filler;
            case "json" -> "{\"name\":\"" + filler + "\"}";
            default -> "name: " + filler + "\n";
        };
        c.header("Content-Type", e[2].equals("form") ? "application/x-www-form-urlencoded" : e[2].equals("json") ? "application/json" : "text/yaml");
        c.body = text.getBytes(StandardCharsets.ISO_8859_1);
        c.chunked = chance(40);
        if (c.chunked) {
            c.family = "huge/chunked-body-over-limit";
        }
        c.expect = status(413);
    }
}
