package dev.authbox.loadgen;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The request flows. A {@link Task} is one worker's state: what to send next and how to judge the answer. */
final class Flows {
    private Flows() {}

    static final String TOKEN_PATH = "/auth/token";
    static final String INTROSPECT_PATH = "/auth/introspect";

    static String tokenPath(Options o) {
        return o.path("token-path", TOKEN_PATH);
    }

    abstract static class Task {
        /** The next request to send. */
        abstract Req request();

        /** Judges a 2xx response: null when it is a success, else why not. May update the task's state. */
        abstract String check(Resp r);

        /** Judges any response; by default non-2xx is an error and 2xx goes to {@link #check}. */
        String judge(Resp r) {
            if (r.status < 200 || r.status > 299) return "HTTP " + r.status + ": " + r.bodySnippet(200);
            return check(r);
        }

        /** After a successful step: true when the iteration has another request to send (multi-step flows). */
        boolean more() {
            return false;
        }

        /** Called after a failed request so the worker can continue (e.g. start a new refresh chain). */
        void recover(Transport.Conn conn) throws IOException {}
    }

    interface Flow {
        /** Once, before any worker starts. */
        default void prepare(Transport transport) throws IOException {}

        /** Per worker, before the clock starts (not timed). */
        Task newTask(Transport.Conn conn) throws IOException;
    }

    static Flow create(Options o) {
        String flow = o.str("flow", "");
        switch (flow) {
            case "cc": {
                Req req = Req.form(tokenPath(o), Req.basic(o.required("client-id"), o.required("client-secret")),
                        "grant_type=client_credentials" + o.formTail("token-params"));
                return conn -> fixed(req, Flows::hasAccessToken);
            }
            case "password": {
                Req req = passwordGrant(o);
                return conn -> fixed(req, Flows::hasAccessToken);
            }
            case "get": {
                String path = o.str("path", "/health");
                if (!path.startsWith("/")) throw new IllegalArgumentException("--path must start with '/': " + path);
                Req req = Req.get(path);
                return conn -> fixed(req, r -> null);
            }
            case "introspect":
                return new Introspect(o);
            case "refresh":
                return new Refresh(o);
            case "code":
                return new Code(o);
            case "":
                throw new IllegalArgumentException("--flow is required");
            default:
                throw new IllegalArgumentException("unknown --flow " + flow + " (cc, get, introspect, refresh, password, code)");
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Req passwordGrant(Options o) {
        return Req.form(tokenPath(o), Req.basic(o.required("client-id"), o.required("client-secret")),
                "grant_type=password&username=" + enc(o.required("username"))
                        + "&password=" + enc(o.required("password")) + o.formTail("token-params"));
    }

    static String hasAccessToken(Resp r) {
        String t = Json.string(r, "access_token");
        return t == null || t.isEmpty() ? "HTTP " + r.status + " without access_token: " + r.bodySnippet(200) : null;
    }

    /** Sends one request outside the timed loop and returns the response, or throws with its reason. */
    static Resp setupCall(Transport.Conn conn, Req req, String what) throws IOException {
        Resp r = conn.send(req);
        if (r.status < 200 || r.status > 299)
            throw new IOException(what + " failed: HTTP " + r.status + ": " + r.bodySnippet(200));
        return r;
    }

    interface Checker {
        String check(Resp r);
    }

    static Task fixed(Req req, Checker checker) {
        return new Task() {
            @Override
            Req request() {
                return req;
            }

            @Override
            String check(Resp r) {
                return checker.check(r);
            }
        };
    }

    /** Introspects one token, obtained once with client_credentials of the token client. */
    static final class Introspect implements Flow {
        private final Req tokenReq;
        private final String auth;
        private final String introspectPath;
        private Req req;

        Introspect(Options o) {
            tokenReq = Req.form(tokenPath(o),
                    Req.basic(o.required("token-client-id"), o.required("token-client-secret")),
                    "grant_type=client_credentials" + o.formTail("introspect-token-params"));
            auth = Req.basic(o.required("client-id"), o.required("client-secret"));
            introspectPath = o.path("introspect-path", INTROSPECT_PATH);
        }

        @Override
        public void prepare(Transport transport) throws IOException {
            try (Transport.Conn conn = transport.open()) {
                Resp r = setupCall(conn, tokenReq, "client_credentials token for introspection");
                String token = Json.string(r, "access_token");
                if (token == null || token.isEmpty())
                    throw new IOException("token response without access_token: " + r.bodySnippet(200));
                req = Req.form(introspectPath, auth, "token=" + enc(token));
            }
        }

        @Override
        public Task newTask(Transport.Conn conn) {
            return fixed(req, r -> Json.isTrue(r, "active") ? null
                    : "HTTP " + r.status + " without \"active\":true: " + r.bodySnippet(200));
        }
    }

    /** A refresh-token chain per worker: each response's refresh_token is used for the next request. */
    static final class Refresh implements Flow {
        private final Req passwordReq;
        private final String auth;
        private final String tokenPath;
        private final String extra;

        Refresh(Options o) {
            auth = Req.basic(o.required("client-id"), o.required("client-secret"));
            tokenPath = tokenPath(o);
            extra = o.formTail("token-params");
            String start = o.str("refresh-start", "");
            passwordReq = start.isEmpty() ? passwordGrant(o) : Req.form(tokenPath, auth, start);
        }

        String newChain(Transport.Conn conn) throws IOException {
            Resp r = setupCall(conn, passwordReq, "start of refresh chain");
            String rt = Json.string(r, "refresh_token");
            if (rt == null || rt.isEmpty())
                throw new IOException("start of refresh chain returned no refresh_token: " + r.bodySnippet(200));
            return rt;
        }

        @Override
        public Task newTask(Transport.Conn setupConn) throws IOException {
            String first = newChain(setupConn);
            return new Task() {
                String current = first;

                @Override
                Req request() {
                    return Req.form(tokenPath, auth, "grant_type=refresh_token&refresh_token=" + enc(current) + extra);
                }

                @Override
                String check(Resp r) {
                    String rt = Json.string(r, "refresh_token");
                    if (rt == null || rt.isEmpty())
                        return "HTTP " + r.status + " without refresh_token: " + r.bodySnippet(200);
                    current = rt;
                    return null;
                }

                @Override
                void recover(Transport.Conn conn) throws IOException {
                    current = newChain(conn);
                }
            };
        }
    }

    /**
     * The whole Authorization Code flow with PKCE (S256), as a browser that is already signed in does
     * it: GET the authorization endpoint with the SSO cookie (--cookie), expect a 302 to the redirect
     * URI carrying a code and the state, then exchange the code at the token endpoint with the
     * verifier (client_secret_basic). Both requests together are one iteration (one latency sample);
     * each iteration uses a new verifier and state.
     */
    static final class Code implements Flow {
        private final String auth;
        private final String cookie;
        private final String redirectUri;
        private final String authorizePath;
        private final String tokenPath;
        private final String clientId;
        private final String scope;
        private final String extra;
        private final java.security.SecureRandom random = new java.security.SecureRandom();

        Code(Options o) {
            clientId = o.required("client-id");
            auth = Req.basic(clientId, o.required("client-secret"));
            cookie = o.required("cookie");
            redirectUri = o.required("redirect-uri");
            authorizePath = o.path("authorize-path", "/auth/authorize");
            tokenPath = tokenPath(o);
            scope = o.str("scope", "");
            extra = o.formTail("token-params");
        }

        private String random(int bytes) {
            byte[] b = new byte[bytes];
            random.nextBytes(b);
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }

        @Override
        public Task newTask(Transport.Conn conn) {
            return new Task() {
                boolean authorizeNext = true;
                String verifier;
                String state;
                String code;

                @Override
                Req request() {
                    if (authorizeNext) {
                        verifier = random(32);
                        state = random(12);
                        String challenge;
                        try {
                            challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                                    java.security.MessageDigest.getInstance("SHA-256")
                                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
                        } catch (java.security.NoSuchAlgorithmException e) {
                            throw new IllegalStateException(e);
                        }
                        return Req.get(authorizePath + "?response_type=code&client_id=" + enc(clientId)
                                + "&redirect_uri=" + enc(redirectUri) + "&state=" + state
                                + "&code_challenge=" + challenge + "&code_challenge_method=S256"
                                + (scope.isEmpty() ? "" : "&scope=" + enc(scope)), cookie);
                    }
                    return Req.form(tokenPath, auth, "grant_type=authorization_code&code=" + enc(code)
                            + "&redirect_uri=" + enc(redirectUri) + "&code_verifier=" + verifier + extra);
                }

                @Override
                String judge(Resp r) {
                    if (!authorizeNext) {
                        authorizeNext = true; // whatever happens, the next iteration starts over
                        return super.judge(r);
                    }
                    if (r.status != 302 && r.status != 303) return "authorize: HTTP " + r.status + " (not a redirect): " + r.bodySnippet(200);
                    String loc = r.location;
                    if (loc == null || !loc.startsWith(redirectUri))
                        return "authorize: redirect to " + loc + ", not to the client (is the SSO cookie valid?)";
                    String c = queryParam(loc, "code");
                    if (c == null) return "authorize: redirect without a code: " + loc;
                    if (!state.equals(queryParam(loc, "state"))) return "authorize: state mismatch: " + loc;
                    code = c;
                    authorizeNext = false;
                    return null;
                }

                @Override
                String check(Resp r) {
                    return hasAccessToken(r);
                }

                @Override
                boolean more() {
                    return !authorizeNext;
                }
            };
        }

        static String queryParam(String url, String name) {
            int q = url.indexOf('?');
            if (q < 0) return null;
            int end = url.indexOf('#');
            for (String kv : url.substring(q + 1, end < 0 ? url.length() : end).split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                if (k.equals(name)) return java.net.URLDecoder.decode(eq < 0 ? "" : kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
            return null;
        }
    }
}
