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
            case "":
                throw new IllegalArgumentException("--flow is required");
            default:
                throw new IllegalArgumentException("unknown --flow " + flow + " (cc, get, introspect, refresh, password)");
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
}
