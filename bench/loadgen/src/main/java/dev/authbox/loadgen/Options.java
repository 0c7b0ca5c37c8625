package dev.authbox.loadgen;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command-line options: {@code --name value} or {@code --name=value}. */
final class Options {
    static final String USAGE = String.join("\n",
            "usage: java -jar loadgen.jar --flow cc|get|introspect|refresh|password|code [options]",
            "",
            "  --url URL                  server base URL (default http://127.0.0.1:8080)",
            "  --flow NAME                cc | get | introspect | refresh | password | code",
            "  --connections N            concurrent closed-loop workers, one connection each (default 16)",
            "  --warmup S                 seconds of unrecorded load first (default 3)",
            "  --duration S               seconds of recorded load (default 10)",
            "  --client-id ID             client for Basic auth (cc, introspect, refresh, password)",
            "  --client-secret SECRET",
            "  --token-client-id ID       introspect: client used to obtain the token that is introspected",
            "  --token-client-secret S",
            "  --username U               password/refresh: resource owner",
            "  --password P",
            "  --path PATH                get: path to GET (default /health)",
            "  --token-path PATH          token endpoint (default /auth/token; Keycloak: /realms/R/protocol/openid-connect/token)",
            "  --introspect-path PATH     introspection endpoint (default /auth/introspect)",
            "  --token-params FORM        extra form parameters for the flow's token requests, e.g. resource=urn:x&scope=a",
            "  --introspect-token-params FORM  introspect: extra form parameters for the request of the token introspected",
            "  --refresh-start FORM       refresh: form body of the request that starts each chain, instead of the",
            "                             password grant (e.g. a custom grant_type of a peer's bench script)",
            "  --timeout S                per-request timeout in seconds (default 30)",
            "  --cookie COOKIE            code: Cookie header of a signed-in browser (e.g. authbox_sso=...)",
            "  --redirect-uri URI         code: the client's registered redirect URI",
            "  --authorize-path PATH      code: authorization endpoint (default /auth/authorize)",
            "  --scope SCOPE              code: scope of the authorization request (e.g. openid)",
            "  --server-pid PID[,PID..]   report the server's CPU use (summed over the PIDs, e.g. with its",
            "                             database's) and the rest of the machine's in the measured window",
            "  --http-client raw|jdk      raw = blocking HTTP/1.1 keep-alive sockets (default, low CPU);",
            "                             jdk = java.net.http.HttpClient (HTTP/1.1)",
            "  --threads auto|virtual|platform  worker threads (auto: virtual on JDK 21+, else platform)",
            "",
            "Prints one JSON line on stdout with requests, rps, p50/p90/p99/max latency (ms) and errors.");

    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                o.values.put("help", "true");
                continue;
            }
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument: " + a);
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for --" + name);
                value = args[++i];
            }
            o.values.put(name, value);
        }
        for (String k : o.values.keySet()) {
            switch (k) {
                case "help": case "url": case "flow": case "connections": case "warmup": case "duration":
                case "client-id": case "client-secret": case "token-client-id": case "token-client-secret":
                case "username": case "password": case "path": case "timeout": case "http-client": case "threads":
                case "token-path": case "introspect-path": case "token-params": case "introspect-token-params":
                case "refresh-start": case "server-pid": case "cookie": case "redirect-uri": case "authorize-path":
                case "scope":
                    break;
                default:
                    throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        return o;
    }

    boolean help() { return values.containsKey("help"); }

    String str(String name, String def) {
        String v = values.get(name);
        return v == null ? def : v;
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + name + " is required for this flow");
        return v;
    }

    int integer(String name, int def, int min) {
        String v = values.get(name);
        if (v == null) return def;
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer: " + v);
        }
        if (n < min) throw new IllegalArgumentException("--" + name + " must be >= " + min);
        return n;
    }

    double seconds(String name, double def, double min) {
        String v = values.get(name);
        if (v == null) return def;
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number of seconds: " + v);
        }
        if (!(d >= min)) throw new IllegalArgumentException("--" + name + " must be >= " + min);
        return d;
    }

    /** A path option: must start with '/'. */
    String path(String name, String def) {
        String v = str(name, def);
        if (!v.startsWith("/")) throw new IllegalArgumentException("--" + name + " must start with '/': " + v);
        return v;
    }

    /** Extra form parameters, returned with a leading '&' (or "" when absent). */
    String formTail(String name) {
        String v = str(name, "");
        while (v.startsWith("&")) v = v.substring(1);
        return v.isEmpty() ? "" : "&" + v;
    }

    URI url() {
        String u = str("url", "http://127.0.0.1:8080");
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        URI uri = URI.create(u);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
            throw new IllegalArgumentException("--url must be http:// or https://: " + u);
        if (uri.getHost() == null) throw new IllegalArgumentException("--url has no host: " + u);
        return uri;
    }
}
