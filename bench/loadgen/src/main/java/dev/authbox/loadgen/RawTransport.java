package dev.authbox.loadgen;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/**
 * Minimal blocking HTTP/1.1 client: one persistent keep-alive socket per worker, requests written as
 * one precomputed byte array, responses parsed from a reused buffer (Content-Length, chunked, or
 * read-to-close). Costs far less CPU per request than java.net.http.HttpClient, which matters when
 * the generator shares two cores with the server under test.
 */
final class RawTransport implements Transport {
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final int timeoutMs;

    RawTransport(URI base, int timeoutMs) {
        this.host = base.getHost();
        this.tls = "https".equals(base.getScheme());
        int p = base.getPort();
        this.port = p > 0 ? p : (tls ? 443 : 80);
        this.hostHeader = p > 0 ? base.getRawAuthority() : host;
        this.timeoutMs = timeoutMs;
        String basePath = base.getRawPath();
        if (basePath != null && !basePath.isEmpty() && !basePath.equals("/"))
            throw new IllegalArgumentException("--url must not have a path with --http-client raw: " + base);
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public Conn open() {
        return new RawConn();
    }

    private final class RawConn implements Conn {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int lim;
        private byte[] body = new byte[8 * 1024];
        private final Resp resp = new Resp();
        private boolean received; // any byte of the current response read

        @Override
        public Resp send(Req req) throws IOException {
            byte[] bytes = req.raw(hostHeader);
            boolean reused = socket != null;
            if (!reused) connect();
            try {
                return exchange(bytes, req);
            } catch (IOException e) {
                reset();
                // A kept-alive connection the server closed while idle fails before any response byte:
                // retry once on a fresh connection, as HTTP clients do. Anything else is a real error.
                if (!reused || received || e instanceof SocketTimeoutException) throw e;
                connect();
                try {
                    return exchange(bytes, req);
                } catch (IOException e2) {
                    reset();
                    throw e2;
                }
            }
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                s.connect(new InetSocketAddress(host, port), timeoutMs);
                s.setSoTimeout(timeoutMs);
                if (tls) {
                    s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
                }
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                }
                throw e;
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = lim = 0;
        }

        private Resp exchange(byte[] request, Req req) throws IOException {
            received = false;
            out.write(request);
            out.flush();
            while (true) {
                String statusLine = readLine();
                if (statusLine == null) throw new EOFException("connection closed before response");
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12)
                    throw new IOException("bad status line: " + statusLine);
                int status;
                try {
                    status = Integer.parseInt(statusLine.substring(9, 12));
                } catch (NumberFormatException e) {
                    throw new IOException("bad status line: " + statusLine);
                }
                boolean keepAlive = statusLine.charAt(7) == '1';
                long contentLength = -1;
                boolean chunked = false;
                String location = null;
                String line;
                while (!(line = readHeaderLine()).isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) continue;
                    String name = line.substring(0, colon);
                    if (name.equalsIgnoreCase("content-length")) {
                        contentLength = Long.parseLong(line.substring(colon + 1).trim());
                    } else if (name.equalsIgnoreCase("transfer-encoding")) {
                        chunked = line.substring(colon + 1).toLowerCase().contains("chunked");
                    } else if (name.length() == 8 && name.equalsIgnoreCase("location")) {
                        location = line.substring(colon + 1).trim();
                    } else if (name.equalsIgnoreCase("connection")) {
                        String v = line.substring(colon + 1).trim().toLowerCase();
                        if (v.contains("close")) keepAlive = false;
                        else if (v.contains("keep-alive")) keepAlive = true;
                    }
                }
                if (status >= 100 && status < 200 && status != 101) continue; // interim response
                int len;
                if (req.method.equals("HEAD") || status == 204 || status == 304) {
                    len = 0;
                } else if (chunked) {
                    len = readChunked();
                } else if (contentLength >= 0) {
                    if (contentLength > MAX_BODY) throw new IOException("response body too large: " + contentLength);
                    len = (int) contentLength;
                    ensureBody(len);
                    readFully(body, 0, len);
                } else {
                    len = readToEof();
                    keepAlive = false;
                }
                if (!keepAlive) reset();
                resp.status = status;
                resp.body = body;
                resp.bodyLen = len;
                resp.location = location;
                return resp;
            }
        }

        private int fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n > 0) {
                pos = 0;
                lim = n;
                received = true;
            }
            return n;
        }

        /** Reads a CRLF- or LF-terminated line as ISO-8859-1; null on EOF before any byte. */
        private String readLine() throws IOException {
            StringBuilder sb = null;
            while (true) {
                if (pos >= lim && fill() <= 0) {
                    if (sb == null) return null;
                    throw new EOFException("connection closed inside header");
                }
                int start = pos;
                while (pos < lim && buf[pos] != '\n') pos++;
                if (pos < lim) { // found LF
                    int end = pos;
                    pos++;
                    if (sb == null) {
                        if (end > start && buf[end - 1] == '\r') end--;
                        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                    }
                    append(sb, start, end);
                    int l = sb.length();
                    if (l > 0 && sb.charAt(l - 1) == '\r') sb.setLength(l - 1);
                    return sb.toString();
                }
                if (sb == null) sb = new StringBuilder(128);
                append(sb, start, lim);
                if (sb.length() > MAX_HEADER_LINE) throw new IOException("header line too long");
            }
        }

        private void append(StringBuilder sb, int from, int to) {
            for (int i = from; i < to; i++) sb.append((char) (buf[i] & 0xff));
        }

        private String readHeaderLine() throws IOException {
            String l = readLine();
            if (l == null) throw new EOFException("connection closed inside header");
            return l;
        }

        private void ensureBody(int len) {
            if (body.length < len) body = new byte[Math.max(len, body.length * 2)];
        }

        private void readFully(byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                if (pos >= lim) {
                    if (len >= buf.length) { // large remainder: read straight into dst
                        int n = in.read(dst, off, len);
                        if (n <= 0) throw new EOFException("connection closed inside body");
                        off += n;
                        len -= n;
                        continue;
                    }
                    if (fill() <= 0) throw new EOFException("connection closed inside body");
                }
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, dst, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        private int readChunked() throws IOException {
            int total = 0;
            while (true) {
                String sizeLine = readHeaderLine();
                int semi = sizeLine.indexOf(';');
                String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
                int size;
                try {
                    size = Integer.parseInt(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + sizeLine);
                }
                if (size < 0 || total + (long) size > MAX_BODY) throw new IOException("response body too large");
                if (size == 0) {
                    while (!readHeaderLine().isEmpty()) {
                        // trailers
                    }
                    return total;
                }
                ensureBody(total + size);
                readFully(body, total, size);
                total += size;
                if (!readHeaderLine().isEmpty()) throw new IOException("missing CRLF after chunk");
            }
        }

        private int readToEof() throws IOException {
            int total = 0;
            while (true) {
                if (pos >= lim && fill() <= 0) return total;
                int n = lim - pos;
                if (total + (long) n > MAX_BODY) throw new IOException("response body too large");
                ensureBody(total + n);
                System.arraycopy(buf, pos, body, total, n);
                pos = lim;
                total += n;
            }
        }

        @Override
        public void reset() {
            Socket s = socket;
            socket = null;
            in = null;
            out = null;
            pos = lim = 0;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                }
            }
        }

        @Override
        public void close() {
            reset();
        }
    }
}
