package dev.authbox.loadgen;

import java.nio.charset.StandardCharsets;

/** A response. {@code body} may be a buffer owned by the connection: valid only until its next request. */
final class Resp {
    int status;
    byte[] body;
    int bodyLen;
    String location; // the Location header, or null

    Resp() {}

    Resp(int status, byte[] body) {
        this.status = status;
        this.body = body;
        this.bodyLen = body.length;
    }

    String bodySnippet(int max) {
        int n = Math.min(bodyLen, max);
        String s = new String(body, 0, n, StandardCharsets.UTF_8);
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
