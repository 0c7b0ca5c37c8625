package dev.authbox.loadgen;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker threads: virtual threads when the running JDK has them (21+), created reflectively so that
 * this code compiles with {@code --release 17}; platform threads otherwise.
 */
final class Threads {
    final ThreadFactory factory;
    final String kind;

    private Threads(ThreadFactory factory, String kind) {
        this.factory = factory;
        this.kind = kind;
    }

    static Threads create(String mode) {
        boolean haveVirtual = Runtime.version().feature() >= 21;
        switch (mode) {
            case "auto":
                return haveVirtual ? virtual() : platform();
            case "virtual":
                if (!haveVirtual)
                    throw new IllegalArgumentException("--threads virtual needs JDK 21+, running " + Runtime.version());
                return virtual();
            case "platform":
                return platform();
            default:
                throw new IllegalArgumentException("--threads must be auto, virtual or platform: " + mode);
        }
    }

    private static Threads virtual() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, "loadgen-", 0L);
            ThreadFactory f = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            return new Threads(f, "virtual");
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loadgen: virtual threads unavailable (" + e + "), using platform threads");
            return platform();
        }
    }

    private static Threads platform() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "loadgen-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        return new Threads(f, "platform");
    }
}
