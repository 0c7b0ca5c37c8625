package dev.authbox.loadgen;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/** java.net.http.HttpClient, HTTP/1.1, one client shared by all workers (it pools keep-alive connections). */
final class JdkTransport implements Transport {
    private final HttpClient client;
    private final URI base;
    private final Duration timeout;

    JdkTransport(URI base, int timeoutMs) {
        this.base = base;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public Conn open() {
        return new Conn() {
            @Override
            public Resp send(Req req) throws IOException {
                try {
                    HttpResponse<byte[]> r = client.send(req.jdk(base, timeout), HttpResponse.BodyHandlers.ofByteArray());
                    byte[] b = r.body();
                    Resp resp = new Resp(r.statusCode(), b == null ? new byte[0] : b);
                    resp.location = r.headers().firstValue("location").orElse(null);
                    return resp;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }

            @Override
            public void reset() {
                // the client's pool discards broken connections itself
            }

            @Override
            public void close() {
            }
        };
    }
}
