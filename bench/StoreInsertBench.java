import com.sun.management.OperatingSystemMXBean;
import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.Database;
import dev.authbox.store.SessionRecord;
import dev.authbox.store.TokenIssueStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one issued opaque access token costs the database, without HTTP: threads record session
 * rows through authbox's own group-committing writer, as the token endpoint does, and the
 * process's CPU time and the bytes it wrote to storage (Linux's /proc/self/io) are divided by the
 * rows written.
 *
 * <pre>
 * java -cp target/authbox.jar bench/StoreInsertBench.java [--keys prefixed|random] [--db JDBC_URL]
 *      [--threads 16] [--seconds 6] [--rounds 3]
 * </pre>
 *
 * {@code --keys prefixed} stores each row's lookup key as authbox does (time prefix + hash);
 * {@code random} stores a bare SHA-256, as authbox did before, to show what random index keys cost.
 * The default database is a new H2 file in a temp dir; a PostgreSQL URL is used as it is (rows
 * are added to its auth_session table).
 */
public class StoreInsertBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>(Map.of("--keys", "prefixed", "--threads", "16",
                "--seconds", "6", "--rounds", "3"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        boolean random = opts.get("--keys").equals("random");
        int threads = Integer.parseInt(opts.get("--threads"));
        long seconds = Long.parseLong(opts.get("--seconds"));
        int rounds = Integer.parseInt(opts.get("--rounds"));
        Path dir = null;
        String url = opts.get("--db");
        if (url == null) {
            dir = Files.createTempDirectory("authbox-store-bench");
            url = "jdbc:h2:file:" + dir.resolve("db");
        }
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.DB_URL, url);
        try (Database db = Database.open(Settings.from(raw)); TokenIssueStore store = new TokenIssueStore(db.jdbc())) {
            LongAdder rows = new LongAdder();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        String token = random ? RandomTokens.newToken() : RandomTokens.newBearer();
                        String key = random ? RandomTokens.sha256(token) : RandomTokens.lookupKey(token);
                        long now = System.currentTimeMillis() / 1000;
                        store.record(new SessionRecord(RandomTokens.newTimeOrderedId(), key, null, "bench", null,
                                "client_credentials", "read", null, now, now + 3600, null, null), null);
                        rows.increment();
                    }
                });
                t.start();
                workers.add(t);
            }
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Thread.sleep(seconds * 1000); // warm-up: JIT and the first pages of each index
            for (int r = 0; r < rounds; r++) {
                long n0 = rows.sum();
                long cpu0 = os.getProcessCpuTime();
                long written0 = writtenBytes();
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000);
                long n = rows.sum() - n0;
                double cpuMicros = (os.getProcessCpuTime() - cpu0) / 1e3;
                long written1 = writtenBytes();
                String writtenPerRow = written0 < 0 || written1 < 0 ? "n/a"
                        : String.format("%.2f", (written1 - written0) / 1024.0 / n);
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.printf("keys=%s threads=%d: %.0f rows/s, %.1f µs CPU per row, %s KiB written per row%n",
                        random ? "random" : "prefixed", threads, n / wall, cpuMicros / n, writtenPerRow);
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join();
            }
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Bytes this process caused to be written to storage (page-cache writes count), or -1 off Linux. */
    private static long writtenBytes() throws java.io.IOException {
        Path io = Path.of("/proc/self/io");
        if (!Files.isReadable(io)) {
            return -1;
        }
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        return -1;
    }
}
