package dev.authbox.loadgen;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The physical limits the flows are compared with, measured on this machine: RS256 and ES256
 * signatures/s with the JDK's providers and with Amazon Corretto Crypto Provider (native AWS-LC), and
 * Argon2id hashes/s at a given cost with Bouncy Castle and with the native libargon2 that argon2-jvm
 * bundles (authbox's fallbacks; {@code authbox hash-rate} measures the one the server uses). Each on 1 and 2 threads, each thread in a tight loop.
 *
 * <pre>java -cp loadgen.jar dev.authbox.loadgen.Ceilings [--duration S] [--warmup S]
 *     [--argon2 MEMORY_KIB,ITERATIONS,PARALLELISM] [--argon2-duration S] [--threads 1,2] [--repeat N]</pre>
 *
 * Each rate is the best of {@code --repeat} measurements (default 2): other work on a shared
 * machine can only lower a rate, never raise it.
 *
 * Prints one JSON object on stdout; progress on stderr.
 */
public final class Ceilings {
    private Ceilings() {}

    private static int REPEAT = 2;

    interface Op {
        void run() throws Exception;
    }

    interface OpFactory {
        /** One op per thread (its own Signature object or generator). */
        Op create() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double duration = 3;
        double warmup = 1;
        int[] argon2 = {19456, 2, 1};
        int[] threadCounts = {1, 2};
        double a2duration = -1;
        int repeat = 2;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--duration": duration = Double.parseDouble(v); i++; break;
                case "--warmup": warmup = Double.parseDouble(v); i++; break;
                case "--argon2-duration": a2duration = Double.parseDouble(v); i++; break;
                case "--repeat": repeat = Integer.parseInt(v); i++; break;
                case "--argon2": {
                    String[] p = v.split(",");
                    argon2 = new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
                    i++;
                    break;
                }
                case "--threads": {
                    String[] p = v.split(",");
                    threadCounts = new int[p.length];
                    for (int k = 0; k < p.length; k++) threadCounts[k] = Integer.parseInt(p[k].trim());
                    i++;
                    break;
                }
                case "-h": case "--help":
                    System.out.println("usage: java -cp loadgen.jar dev.authbox.loadgen.Ceilings [--duration S] [--warmup S]"
                            + " [--argon2 M_KIB,T,P] [--argon2-duration S] [--threads 1,2] [--repeat N]");
                    return;
                default:
                    System.err.println("ceilings: unknown argument " + a);
                    System.exit(64);
            }
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("duration_s", duration);
        out.put("repeat", repeat);
        REPEAT = Math.max(1, repeat);
        signatures(out, threadCounts, warmup, duration);
        // Argon2id runs are longer per op: by default at least 3 s so that a few dozen hashes are counted.
        double hashSeconds = a2duration <= 0 ? Math.max(duration, 3) : a2duration;
        out.put("argon2id_per_s", argon2(argon2, threadCounts, warmup, hashSeconds));
        System.out.println(new ObjectMapper().writeValueAsString(out));
    }

    /** Puts whether ACCP loaded ("accp") and the signatures/s of each algorithm and provider into {@code out}. */
    static void signatures(Map<String, Object> out, int[] threadCounts, double warmup, double duration) throws Exception {

        // Keys from the JDK; ACCP accepts (translates) them.
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        // A typical JWS signing input: header.payload of an access token, ~350 bytes.
        byte[] input = ("eyJraWQiOiJrMSIsInR5cCI6ImF0K2p3dCIsImFsZyI6IlJTMjU2In0."
                + "eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjE4MDgwIiwic3ViIjoiY2Mtand0IiwiYXVkIjoiY2Mtand0Iiwi"
                + "Y2xpZW50X2lkIjoiY2Mtand0IiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjZm"
                + "NGYyY2QxLTc2ZWMtNDU0Ny1hZDQ1LWJkNjEwNGY2ZGI2MyIsInNjb3BlIjoicmVhZCB3cml0ZSJ9").getBytes(StandardCharsets.US_ASCII);

        Provider jdkRsa = Signature.getInstance("SHA256withRSA").getProvider();
        Provider jdkEc = Signature.getInstance("SHA256withECDSA").getProvider();
        Provider accp = null;
        String accpError = null;
        try {
            AmazonCorrettoCryptoProvider p = AmazonCorrettoCryptoProvider.INSTANCE;
            if (p.getLoadingError() != null) {
                accpError = String.valueOf(p.getLoadingError());
            } else {
                p.assertHealthy();
                accp = p;
            }
        } catch (Throwable e) {
            accpError = e.toString();
        }
        out.put("accp", accp != null ? "loaded (" + accp.getName() + " " + accp.getVersionStr() + ")" : "unavailable: " + accpError);
        Map<String, Object> sig = new LinkedHashMap<>();
        sig.put("RS256_jdk", rates(threadCounts, warmup, duration, signer("SHA256withRSA", jdkRsa, rsa, input),
                "RS256 " + jdkRsa.getName()));
        sig.put("ES256_jdk", rates(threadCounts, warmup, duration, signer("SHA256withECDSA", jdkEc, ec, input),
                "ES256 " + jdkEc.getName()));
        if (accp != null) {
            sig.put("RS256_accp", rates(threadCounts, warmup, duration, signer("SHA256withRSA", accp, rsa, input), "RS256 ACCP"));
            sig.put("ES256_accp", rates(threadCounts, warmup, duration, signer("SHA256withECDSA", accp, ec, input), "ES256 ACCP"));
        }
        out.put("signatures_per_s", sig);
    }

    /** Argon2id hashes/s of each implementation. */
    static Map<String, Object> argon2(int[] cost, int[] threadCounts, double warmup, double a2duration)
            throws Exception {
        final int m = cost[0], t = cost[1], p = cost[2];
        Map<String, Object> a2 = new LinkedHashMap<>();
        a2.put("memory_kib", m);
        a2.put("iterations", t);
        a2.put("parallelism", p);
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        SecureRandom random = new SecureRandom();
        a2.put("bouncycastle", rates(threadCounts, warmup, a2duration, () -> () -> {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build());
            byte[] hash = new byte[32];
            g.generateBytes(password, hash);
        }, "Argon2id Bouncy Castle m=" + m + " t=" + t + " p=" + p));
        try {
            de.mkammerer.argon2.Argon2Advanced native2 =
                    de.mkammerer.argon2.Argon2Factory.createAdvanced(de.mkammerer.argon2.Argon2Factory.Argon2Types.ARGON2id);
            native2.rawHash(1, 64, 1, password, new byte[16]); // loads the library, fails fast if it cannot
            a2.put("libargon2_jna", rates(threadCounts, warmup, a2duration, () -> () -> {
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                native2.rawHash(t, m, p, password, salt);
            }, "Argon2id libargon2 (argon2-jvm) m=" + m + " t=" + t + " p=" + p));
        } catch (Throwable e) {
            a2.put("libargon2_jna", "unavailable: " + e);
        }
        return a2;
    }

    static OpFactory signer(String alg, Provider provider, KeyPair keys, byte[] input) {
        return () -> {
            Signature s = Signature.getInstance(alg, provider);
            s.initSign(keys.getPrivate());
            s.update(input);
            s.sign(); // fail here, not in the loop
            return () -> {
                s.initSign(keys.getPrivate());
                s.update(input);
                byte[] signature = s.sign();
                if (signature.length == 0) throw new IllegalStateException("empty signature");
            };
        };
    }

    /** Ops/s for each thread count: {"1": r1, "2": r2}. */
    static Map<String, Object> rates(int[] threadCounts, double warmup, double duration, OpFactory factory, String what)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int n : threadCounts) {
            double rate = 0;
            for (int k = 0; k < REPEAT; k++) rate = Math.max(rate, measure(n, warmup, duration, factory));
            System.err.printf("ceilings: %-50s %d thread(s): %,.1f/s%n", what, n, rate);
            r.put(Integer.toString(n), Math.round(rate * 10) / 10.0);
        }
        return r;
    }

    static double measure(int threads, double warmup, double duration, OpFactory factory) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < threads; i++) ops.add(factory.create());
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        long t0 = System.nanoTime();
        long measureStart = t0 + (long) (warmup * 1e9);
        long end = measureStart + (long) (duration * 1e9);
        List<Throwable> failures = new ArrayList<>();
        for (Op op : ops) {
            Thread t = new Thread(() -> {
                long local = 0;
                try {
                    while (true) {
                        long s = System.nanoTime();
                        if (s - end >= 0) break;
                        op.run();
                        long e = System.nanoTime();
                        if (s - measureStart >= 0 && e - end <= 0) local++;
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    count.addAndGet(local);
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        done.await();
        if (!failures.isEmpty()) throw new IllegalStateException("measurement failed", failures.get(0));
        return count.get() / duration;
    }
}
