package dev.authbox.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket: it sends exactly the bytes it is given
 * (broken encodings, invalid UTF-8, duplicate headers, lying Content-Length...) and reads one
 * response. One connection per exchange. A large body is written from a second thread while the
 * answer is read, so an early 413 is seen even when the server stops reading.
 */
final class RawHttp {
    /** One response; status -1 when none arrived (the message says why). */
    record Response(int status, Map<String, List<String>> headers, byte[] bodyBytes, long millis, String failure) {
        String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String toString() {
            String b = body();
            return (status < 0 ? "no response (" + failure + ")" : Integer.toString(status)) + " after " + millis + " ms "
                    + headers + " " + (b.length() > 600 ? b.substring(0, 600) + "..." : b);
        }
    }

    private static final int MAX_RESPONSE = 4 * 1024 * 1024;

    private RawHttp() {
    }

    /**
     * Sends {@code head} (request line and headers, ending with the blank line) and {@code body},
     * optionally half-closes, and reads one response within {@code timeoutMillis}.
     */
    static Response exchange(int port, byte[] head, byte[] body, boolean halfClose, int timeoutMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = null;
            String[] writeFailure = new String[1];
            if (body == null || body.length < 256 * 1024) {
                out.write(head);
                if (body != null) {
                    out.write(body);
                }
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } else {
                writer = new Thread(() -> {
                    try {
                        out.write(head);
                        for (int off = 0; off < body.length; off += 64 * 1024) {
                            out.write(body, off, Math.min(64 * 1024, body.length - off));
                        }
                        out.flush();
                        if (halfClose) {
                            socket.shutdownOutput();
                        }
                    } catch (IOException e) {
                        writeFailure[0] = e.toString(); // the server may answer early and stop reading
                    }
                }, "raw-http-writer");
                writer.setDaemon(true);
                writer.start();
            }
            Response r = read(socket.getInputStream(), start, timeoutMillis);
            if (writer != null) {
                socket.close();
                writer.join(5_000);
            }
            return r;
        } catch (SocketTimeoutException e) {
            return failed(start, "timed out after " + timeoutMillis + " ms");
        } catch (IOException e) {
            return failed(start, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(start, "interrupted");
        }
    }

    private static Response failed(long start, String why) {
        return new Response(-1, Map.of(), new byte[0], (System.nanoTime() - start) / 1_000_000, why);
    }

    private static Response read(InputStream raw, long start, int timeoutMillis) throws IOException {
        Reader in = new Reader(raw, start + timeoutMillis * 1_000_000L);
        while (true) {
            String statusLine = in.line();
            if (statusLine == null) {
                return failed(start, "connection closed before a status line");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return failed(start, "not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            while ((line = in.line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(line.substring(colon + 1).trim());
                }
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue and friends: the real answer follows
            }
            byte[] body;
            List<String> te = headers.getOrDefault("transfer-encoding", List.of());
            List<String> cl = headers.getOrDefault("content-length", List.of());
            if (!te.isEmpty() && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
                body = in.chunked();
            } else if (!cl.isEmpty()) {
                body = in.exactly(Integer.parseInt(cl.get(0)));
            } else if (status == 204 || status == 304) {
                body = new byte[0];
            } else {
                body = in.rest();
            }
            return new Response(status, headers, body, (System.nanoTime() - start) / 1_000_000, null);
        }
    }

    /** Buffered reading with a deadline for the whole response. */
    private static final class Reader {
        private final InputStream in;
        private final long deadline;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int len;

        Reader(InputStream in, long deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        private boolean fill() throws IOException {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("response not complete in time");
            }
            len = in.read(buf);
            pos = 0;
            return len > 0;
        }

        int next() throws IOException {
            if (pos >= len && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = next()) != -1) {
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    line.write(c);
                }
                if (line.size() > 64 * 1024) {
                    throw new IOException("header line too long");
                }
            }
            if (c == -1 && line.size() == 0) {
                return null;
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] exactly(int n) throws IOException {
            if (n > MAX_RESPONSE) {
                throw new IOException("response body too large: " + n);
            }
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = next();
                if (c == -1) {
                    throw new IOException("response body cut short after " + i + " of " + n + " bytes");
                }
                out[i] = (byte) c;
            }
            return out;
        }

        byte[] chunked() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                if (size == null) {
                    throw new IOException("chunked body cut short");
                }
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    String trailer;
                    while ((trailer = line()) != null && !trailer.isEmpty()) {
                        // trailers are ignored
                    }
                    return out.toByteArray();
                }
                out.write(exactly(n));
                line();
                if (out.size() > MAX_RESPONSE) {
                    throw new IOException("response body too large");
                }
            }
        }

        byte[] rest() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int c;
            while ((c = next()) != -1) {
                out.write(c);
                if (out.size() > MAX_RESPONSE) {
                    throw new IOException("response body too large");
                }
            }
            return out.toByteArray();
        }
    }
}
