package dev.authbox.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop HTTP load generator. N workers (one connection each) send requests back to back:
 * first for the warm-up (not recorded), then for the measured duration, each recording successful
 * latencies in microseconds in its own HdrHistogram; the histograms are merged at the end and one
 * JSON line is printed on stdout.
 *
 * <p>A request counts in the measured window only if it both started and completed inside it, so
 * rps = requests / duration. Non-2xx responses, responses that fail the flow's check, and IO errors
 * (including timeouts) count as errors and are not recorded in the histogram.
 */
public final class Main {
    /** 1 hour in µs: anything slower is clamped (the per-request timeout is far below that). */
    private static final long HIGHEST_US = 3_600_000_000L;

    private static final AtomicReference<String> FIRST_ERROR = new AtomicReference<>();
    private static final AtomicReference<String> FIRST_WARMUP_ERROR = new AtomicReference<>();

    // Written by main before releasing the workers (the latch orders them).
    private static long measureStartNs;
    private static long endNs;

    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
            if (o.help()) {
                System.out.println(Options.USAGE);
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(64);
            return;
        }
        try {
            System.exit(run(o));
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(64);
        } catch (Exception e) {
            System.err.println("loadgen: " + e);
            System.exit(2);
        }
    }

    private static int run(Options o) throws Exception {
        URI base = o.url();
        String flowName = o.str("flow", "");
        int connections = o.integer("connections", 16, 1);
        double warmup = o.seconds("warmup", 3, 0);
        double duration = o.seconds("duration", 10, 0.1);
        int timeoutMs = (int) Math.round(o.seconds("timeout", 30, 0.1) * 1000);
        String clientKind = o.str("http-client", "raw");
        Transport transport;
        switch (clientKind) {
            case "raw":
                transport = new RawTransport(base, timeoutMs);
                break;
            case "jdk":
                transport = new JdkTransport(base, timeoutMs);
                break;
            default:
                throw new IllegalArgumentException("--http-client must be raw or jdk: " + clientKind);
        }
        Threads threads = Threads.create(o.str("threads", "auto"));
        Flows.Flow flow = Flows.create(o);

        try {
            flow.prepare(transport);
        } catch (IOException e) {
            System.err.println("loadgen: setup failed: " + e.getMessage());
            return 2;
        }

        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        Worker[] workers = new Worker[connections];
        Thread[] ts = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            workers[i] = new Worker(transport, flow, ready, go);
            ts[i] = threads.factory.newThread(workers[i]);
            ts[i].start();
        }
        if (!ready.await(timeoutMs + 120_000L, TimeUnit.MILLISECONDS)) {
            System.err.println("loadgen: setup of the workers timed out");
            return 2;
        }
        for (Worker w : workers) {
            if (w.setupError != null) {
                System.err.println("loadgen: setup failed: " + w.setupError);
                go.countDown();
                return 2;
            }
        }

        long t0 = System.nanoTime();
        measureStartNs = t0 + (long) (warmup * 1e9);
        endNs = measureStartNs + (long) (duration * 1e9);
        go.countDown();

        long[] serverPids = ProcStat.pids(o.str("server-pid", ""));
        sleepUntil(measureStartNs);
        long cpu0 = processCpuNs();
        long[] machine0 = ProcStat.machineJiffies();
        long server0 = ProcStat.processJiffies(serverPids);
        long written0 = ProcStat.writeBytes(serverPids);
        long jvm = serverPids.length > 0 ? serverPids[0] : -1;
        Map<Long, ProcStat.ThreadTime> threads0 = ProcStat.threadJiffies(jvm);
        sleepUntil(endNs);
        long cpu1 = processCpuNs();
        long[] machine1 = ProcStat.machineJiffies();
        long server1 = ProcStat.processJiffies(serverPids);
        long written1 = ProcStat.writeBytes(serverPids);
        Map<Long, ProcStat.ThreadTime> threads1 = ProcStat.threadJiffies(jvm);

        long joinDeadline = endNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs) + TimeUnit.SECONDS.toNanos(5);
        int stuck = 0;
        for (Thread t : ts) {
            long left = joinDeadline - System.nanoTime();
            if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (t.isAlive()) stuck++;
        }
        if (stuck > 0) System.err.println("loadgen: " + stuck + " worker(s) still blocked after the run, ignored");

        Histogram total = new Histogram(HIGHEST_US, 3);
        long requests = 0;
        long errors = 0;
        long warmupErrors = 0;
        for (Worker w : workers) {
            synchronized (w) { // pairs with the worker's final publish; also covers stuck workers
                total.add(w.histogram);
                requests += w.ok;
                errors += w.errors;
                warmupErrors += w.warmupErrors;
            }
        }

        String sample = FIRST_ERROR.get();
        if (sample == null && FIRST_WARMUP_ERROR.get() != null) sample = "(warm-up) " + FIRST_WARMUP_ERROR.get();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flow", flowName);
        out.put("connections", connections);
        out.put("duration_s", duration);
        out.put("requests", requests);
        out.put("rps", round(requests / duration, 1));
        boolean any = total.getTotalCount() > 0;
        out.put("p50_ms", any ? ms(total.getValueAtPercentile(50)) : null);
        out.put("p90_ms", any ? ms(total.getValueAtPercentile(90)) : null);
        out.put("p99_ms", any ? ms(total.getValueAtPercentile(99)) : null);
        out.put("max_ms", any ? ms(total.getMaxValue()) : null);
        out.put("errors", errors);
        out.put("error_sample", sample);
        out.put("warmup_s", warmup);
        out.put("warmup_errors", warmupErrors);
        out.put("http_client", transport.name());
        out.put("threads", threads.kind);
        Double loadgenPct = cpu0 < 0 || cpu1 < 0 ? null : round((cpu1 - cpu0) / (duration * 1e9) * 100, 1);
        out.put("loadgen_cpu_pct", loadgenPct);
        // CPU use of the whole machine, of the server (--server-pid) and of everything else during the
        // measured window, in % of one core: "other" above a few % means the numbers are disturbed.
        Double machinePct = ProcStat.pct(machine0, machine1, duration);
        Double serverPct = serverPids.length > 0 && server0 >= 0 && server1 >= 0 ? ProcStat.pct(server1 - server0, duration) : null;
        out.put("machine_cpu_pct", machinePct);
        out.put("server_cpu_pct", serverPct);
        out.put("other_cpu_pct", machinePct == null || serverPct == null || loadgenPct == null ? null
                : round(Math.max(0, machinePct - serverPct - loadgenPct), 1));
        // What each request cost in storage writes: a durable store's commits, a log; near zero for a
        // server that keeps its state in memory.
        out.put("server_written_kib_per_req", written0 < 0 || written1 < 0 || requests == 0 ? null
                : round((written1 - written0) / 1024.0 / requests, 2));
        // Where the server's own CPU went, by thread pool (first --server-pid only): which side of a
        // flow (hashing, HTTP, the writer, the JIT) takes the cores.
        out.put("server_threads_cpu_pct", threads0.isEmpty() || threads1.isEmpty() ? null
                : ProcStat.threadGroupPct(threads0, threads1, duration, 8));
        System.out.println(new ObjectMapper().writeValueAsString(out));
        System.out.flush();
        return 0;
    }

    private static double ms(long us) {
        return round(us / 1000.0, 3);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void sleepUntil(long deadlineNs) throws InterruptedException {
        long left;
        while ((left = deadlineNs - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** CPU time of this JVM (all threads), or -1 if the platform does not tell. */
    private static long processCpuNs() {
        try {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean)
                return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        } catch (RuntimeException | LinkageError ignored) {
            // no com.sun.management
        }
        return -1;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static final class Worker implements Runnable {
        private final Transport transport;
        private final Flows.Flow flow;
        private final CountDownLatch ready;
        private final CountDownLatch go;

        final Histogram histogram = new Histogram(HIGHEST_US, 3);
        long ok;
        long errors;
        long warmupErrors;
        volatile String setupError;

        Worker(Transport transport, Flows.Flow flow, CountDownLatch ready, CountDownLatch go) {
            this.transport = transport;
            this.flow = flow;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            Transport.Conn conn = transport.open();
            Flows.Task task;
            try {
                task = flow.newTask(conn);
            } catch (Exception e) {
                setupError = describe(e);
                conn.close();
                ready.countDown();
                return;
            } finally {
                if (setupError == null) ready.countDown();
            }
            try {
                go.await();
            } catch (InterruptedException e) {
                conn.close();
                return;
            }
            if (setupError != null) return;
            final long measureStart = measureStartNs;
            final long end = endNs;
            // Counted locally, published under the lock once at the end (and every 1024 requests,
            // so that a worker stuck in a request at the end still reports what it did).
            long okLocal = 0;
            long errLocal = 0;
            long warmErrLocal = 0;
            Histogram h = new Histogram(HIGHEST_US, 3);
            try {
                while (true) {
                    long start = System.nanoTime();
                    if (start - end >= 0) break;
                    String error = null;
                    boolean ioError = false;
                    try {
                        // One iteration: one request, or several for a multi-step flow (task.more()).
                        do {
                            Resp r = conn.send(task.request());
                            error = task.judge(r);
                        } while (error == null && task.more());
                    } catch (IOException | RuntimeException e) {
                        conn.reset();
                        error = describe(e);
                        ioError = true;
                    }
                    long done = System.nanoTime();
                    boolean measured = start - measureStart >= 0 && done - end <= 0;
                    if (error == null) {
                        if (measured) {
                            long us = (done - start + 500) / 1000;
                            h.recordValue(Math.min(us, HIGHEST_US));
                            okLocal++;
                        }
                    } else {
                        if (measured) {
                            errLocal++;
                            FIRST_ERROR.compareAndSet(null, error);
                        } else if (start - measureStart < 0) {
                            warmErrLocal++;
                            FIRST_WARMUP_ERROR.compareAndSet(null, error);
                        }
                        try {
                            task.recover(conn);
                        } catch (IOException | RuntimeException e) {
                            conn.reset();
                            FIRST_WARMUP_ERROR.compareAndSet(null, "recovery: " + describe(e));
                            ioError = true;
                        }
                        if (ioError) pause(10); // don't spin on e.g. connection refused
                    }
                    if (((okLocal + errLocal) & 1023) == 0 && okLocal + errLocal > 0) {
                        synchronized (this) {
                            histogram.add(h);
                            h.reset();
                            ok += okLocal;
                            errors += errLocal;
                            warmupErrors += warmErrLocal;
                        }
                        okLocal = errLocal = warmErrLocal = 0;
                    }
                }
            } finally {
                synchronized (this) {
                    histogram.add(h);
                    ok += okLocal;
                    errors += errLocal;
                    warmupErrors += warmErrLocal;
                }
                conn.close();
            }
        }

        private static void pause(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
