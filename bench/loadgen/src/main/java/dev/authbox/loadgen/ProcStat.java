package dev.authbox.loadgen;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time from Linux's /proc, in clock ticks (USER_HZ, 100 on Linux), and bytes written to storage:
 * null/-1 where there is no /proc.
 */
final class ProcStat {
    private static final double HZ = 100.0;

    private ProcStat() {}

    /** PIDs from "1,2 3": empty when none. */
    static long[] pids(String list) {
        String t = list.trim();
        if (t.isEmpty()) return new long[0];
        String[] parts = t.split("[,\\s]+");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--server-pid must be process ids: " + list);
            }
        }
        return out;
    }

    /** Sum of utime + stime of the processes that still exist, or -1 when none does. */
    static long processJiffies(long[] pids) {
        long sum = 0;
        boolean any = false;
        for (long p : pids) {
            long j = processJiffies(p);
            if (j >= 0) {
                sum += j;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /**
     * Bytes the processes that still exist caused to be written to storage ({@code write_bytes} of
     * /proc/PID/io: counted when a page of a file becomes dirty, so writes into the page cache count
     * before any flush, and sockets never), or -1 when none is readable.
     */
    static long writeBytes(long[] pids) {
        long sum = 0;
        boolean any = false;
        for (long p : pids) {
            if (p <= 0) continue;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/io"))) {
                    if (line.startsWith("write_bytes:")) {
                        sum += Long.parseLong(line.substring("write_bytes:".length()).trim());
                        any = true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone, not Linux, or not ours to read
            }
        }
        return any ? sum : -1;
    }

    /** {busy, total} jiffies of all CPUs ("cpu" line of /proc/stat); null when unreadable. */
    static long[] machineJiffies() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long total = 0;
                // user nice system idle iowait irq softirq steal (guest time is already in user)
                for (int i = 1; i <= Math.min(8, f.length - 1); i++) total += Long.parseLong(f[i]);
                long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                return new long[] {total - idle, total};
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return null;
    }

    /** utime + stime of a process in jiffies, or -1. */
    static long processJiffies(long pid) {
        if (pid <= 0) return -1;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A thread's name (as /proc shows it: at most 15 characters) and its utime + stime. */
    record ThreadTime(String name, long jiffies) {}

    /** utime + stime of each thread of a process, by thread id; empty where there is no /proc. */
    static Map<Long, ThreadTime> threadJiffies(long pid) {
        Map<Long, ThreadTime> out = new HashMap<>();
        if (pid <= 0) return out;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    out.put(Long.parseLong(task.getFileName().toString()), new ThreadTime(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return out;
    }

    /**
     * % of one core used over the window by each group of threads (a name without its trailing
     * number: the pool), the largest {@code top} groups of at least 0.5%. Threads that started and
     * ended within the window are not seen.
     */
    static Map<String, Double> threadGroupPct(Map<Long, ThreadTime> before, Map<Long, ThreadTime> after, double seconds, int top) {
        Map<String, Long> groups = new HashMap<>();
        after.forEach((tid, t) -> {
            ThreadTime b = before.get(tid);
            long used = t.jiffies() - (b == null ? 0 : b.jiffies());
            groups.merge(t.name().replaceAll("[-#\\s]*\\d*$", ""), used, Long::sum);
        });
        Map<String, Double> out = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> {
                    double pct = pct(e.getValue(), seconds);
                    if (pct >= 0.5) out.put(e.getKey(), pct);
                });
        return out;
    }

    /** Busy % of one core over the window, from two machineJiffies samples. */
    static Double pct(long[] a, long[] b, double seconds) {
        if (a == null || b == null) return null;
        return pct(b[0] - a[0], seconds);
    }

    static Double pct(long jiffies, double seconds) {
        return Math.round(jiffies / HZ / seconds * 1000) / 10.0;
    }
}
