package dev.authbox.loadgen;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One HTTP request. Immutable; both wire forms (the raw HTTP/1.1 bytes and the JDK HttpRequest) are
 * built once and cached, so a fixed request costs nothing to re-send.
 */
final class Req {
    final String method;
    final String path;           // path + query, starting with '/'
    final List<String[]> headers; // name/value pairs, never Host/Content-Length/Connection
    final byte[] body;           // null = no body

    private volatile byte[] raw;
    private volatile HttpRequest jdk;

    private Req(String method, String path, List<String[]> headers, byte[] body) {
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.body = body;
    }

    static Req get(String path) {
        return get(path, null);
    }

    /** A GET with a Cookie header (none when null). */
    static Req get(String path, String cookie) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Accept", "*/*"});
        if (cookie != null) h.add(new String[] {"Cookie", cookie});
        return new Req("GET", path, h, null);
    }

    /** POST of an application/x-www-form-urlencoded body with client Basic auth. */
    static Req form(String path, String basicAuth, String formBody) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Authorization", basicAuth});
        h.add(new String[] {"Content-Type", "application/x-www-form-urlencoded"});
        h.add(new String[] {"Accept", "application/json"});
        return new Req("POST", path, h, formBody.getBytes(StandardCharsets.UTF_8));
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Raw HTTP/1.1 request bytes (keep-alive). */
    byte[] raw(String hostHeader) {
        byte[] r = raw;
        if (r == null) {
            StringBuilder sb = new StringBuilder(256);
            sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            sb.append("Host: ").append(hostHeader).append("\r\n");
            sb.append("User-Agent: authbox-loadgen\r\n");
            for (String[] h : headers) sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            if (body != null) sb.append("Content-Length: ").append(body.length).append("\r\n");
            sb.append("\r\n");
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (body == null) {
                r = head;
            } else {
                r = new byte[head.length + body.length];
                System.arraycopy(head, 0, r, 0, head.length);
                System.arraycopy(body, 0, r, head.length, body.length);
            }
            raw = r;
        }
        return r;
    }

    HttpRequest jdk(URI base, Duration timeout) {
        HttpRequest r = jdk;
        if (r == null) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString() + path)).timeout(timeout)
                    .header("User-Agent", "authbox-loadgen");
            for (String[] h : headers) b.header(h[0], h[1]);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            r = b.build();
            jdk = r;
        }
        return r;
    }
}
