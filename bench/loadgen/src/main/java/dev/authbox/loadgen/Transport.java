package dev.authbox.loadgen;

import java.io.Closeable;
import java.io.IOException;

/** How requests reach the server. One {@link Conn} per worker; a Conn is used by one thread only. */
interface Transport {
    Conn open();

    String name();

    interface Conn extends Closeable {
        /** Sends the request and reads the whole response. Throws on IO errors and timeouts. */
        Resp send(Req req) throws IOException;

        /** Drops the underlying connection after an error; the next send reconnects. */
        void reset();

        @Override
        void close();
    }
}
