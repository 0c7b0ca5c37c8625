package dev.authbox.config;

import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The validated configuration of one node. */
public record Settings(
        String host,
        int port,
        String issuer,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String adminId,
        String adminSecret,
        String keySecret,
        boolean demo,
        String signingAlg,
        int signingConcurrency,
        Argon2Params argon2,
        int loginMaxFailures,
        int loginWindowSeconds,
        int ssoSessionSeconds,
        int expiredRetentionSeconds,
        String tlsCert,
        String tlsKey,
        java.util.List<String> trustedProxies) {

    public record Argon2Params(int memoryKib, int iterations, int parallelism) {
        public Argon2Params {
            if (memoryKib < 8 * parallelism) {
                throw new ConfigException("argon2_memory_kib must be at least 8 x parallelism");
            }
            if (iterations < 1 || parallelism < 1) {
                throw new ConfigException("argon2 iterations and parallelism must be at least 1");
            }
        }

        /** The cost as PHC strings write it: {@code m=<KiB>,t=<passes>,p=<lanes>}. */
        public String phc() {
            return "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
        }

        /** Reads {@link #phc()}'s form back (in that order); empty for any other text or an impossible cost. */
        public static Optional<Argon2Params> parsePhc(String text) {
            String[] fields = text.split(",", -1);
            String[] names = {"m=", "t=", "p="};
            int[] values = new int[names.length];
            if (fields.length != names.length) {
                return Optional.empty();
            }
            try {
                for (int i = 0; i < names.length; i++) {
                    if (!fields[i].startsWith(names[i])) {
                        return Optional.empty();
                    }
                    values[i] = Integer.parseInt(fields[i].substring(2));
                }
                return Optional.of(new Argon2Params(values[0], values[1], values[2]));
            } catch (NumberFormatException | ConfigException e) {
                return Optional.empty();
            }
        }
    }

    public boolean embeddedDatabase() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    public boolean httpsIssuer() {
        return issuer.startsWith("https://");
    }

    /** Builds settings from raw values (unset ones take their defaults), checking each. */
    public static Settings from(Map<Setting, String> raw) {
        Map<Setting, String> v = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String value = raw.get(s);
            v.put(s, value == null || value.isBlank() ? s.defaultValue() : value.trim());
        }
        int port = intSetting(v, Setting.PORT, 0, 65535);
        String tlsCert = v.get(Setting.TLS_CERT);
        String tlsKey = v.get(Setting.TLS_KEY);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ConfigException(Setting.TLS_CERT.envName() + " and " + Setting.TLS_KEY.envName() + " go together: set both or neither");
        }
        String scheme = tlsCert != null ? "https" : "http";
        String issuer = v.get(Setting.ISSUER) == null ? scheme + "://localhost:" + port : stripSlash(v.get(Setting.ISSUER));
        checkIssuer(issuer);
        String dbUrl = v.get(Setting.DB_URL);
        if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(Setting.DB_URL.envName() + " must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        String demo = v.get(Setting.DEMO);
        boolean demoOn = demo == null ? dbUrl.startsWith("jdbc:h2:") : bool(Setting.DEMO, demo);
        String alg = v.get(Setting.SIGNING_ALG).toUpperCase(Locale.ROOT);
        if (!alg.equals("RS256") && !alg.equals("ES256")) {
            throw new ConfigException(Setting.SIGNING_ALG.envName() + " must be RS256 or ES256, not " + alg);
        }
        String adminId = v.get(Setting.ADMIN_ID);
        if (!adminId.matches("[A-Za-z0-9._~-]{1,64}")) {
            throw new ConfigException(Setting.ADMIN_ID.envName() + " may hold only letters, digits and . _ ~ - (at most 64)");
        }
        return new Settings(
                v.get(Setting.HOST), port, issuer, dbUrl, v.get(Setting.DB_USER), v.get(Setting.DB_PASSWORD),
                intSetting(v, Setting.DB_POOL_SIZE, 1, 500),
                adminId, v.get(Setting.ADMIN_SECRET), v.get(Setting.KEY_SECRET), demoOn, alg,
                signingConcurrency(v.get(Setting.SIGNING_CONCURRENCY)),
                new Argon2Params(
                        intSetting(v, Setting.ARGON2_MEMORY_KIB, 8, 4 * 1024 * 1024),
                        intSetting(v, Setting.ARGON2_ITERATIONS, 1, 100),
                        intSetting(v, Setting.ARGON2_PARALLELISM, 1, 64)),
                intSetting(v, Setting.LOGIN_MAX_FAILURES, 1, 1000),
                intSetting(v, Setting.LOGIN_WINDOW_SECONDS, 1, 86400),
                intSetting(v, Setting.SSO_SESSION_SECONDS, 60, 30 * 86400),
                intSetting(v, Setting.EXPIRED_RETENTION_SECONDS, 60, 3650 * 86400),
                tlsCert, tlsKey, proxies(v.get(Setting.TRUSTED_PROXIES)));
    }

    private static void checkIssuer(String issuer) {
        try {
            URI uri = new URI(issuer);
            boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null;
            if (!ok) {
                throw new ConfigException(Setting.ISSUER.envName() + " must be an http(s) URL without query or fragment: " + issuer);
            }
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(Setting.ISSUER.envName() + " is not a URL: " + issuer, e);
        }
    }

    private static java.util.List<String> proxies(String value) {
        if (value == null) {
            return java.util.List.of();
        }
        java.util.List<String> list = new java.util.ArrayList<>();
        for (String p : value.split(",")) {
            String entry = p.trim();
            if (!entry.isEmpty()) {
                if (!entry.matches("[0-9A-Fa-f:.]+(/\\d{1,3})?")) {
                    throw new ConfigException(Setting.TRUSTED_PROXIES.envName() + " must list IP addresses or CIDR ranges, not '"
                            + entry + "'");
                }
                list.add(entry);
            }
        }
        return java.util.List.copyOf(list);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** 'auto' (twice the cores), or 0 (no bound) to 4096. */
    private static int signingConcurrency(String value) {
        if ("auto".equalsIgnoreCase(value)) {
            return 2 * Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0 && n <= 4096) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with what the setting accepts
        }
        throw new ConfigException(Setting.SIGNING_CONCURRENCY.envName() + " must be 0 (no bound), 1 to 4096, or 'auto', not '"
                + value + "'");
    }

    private static int intSetting(Map<Setting, String> v, Setting s, int min, int max) {
        try {
            int n = Integer.parseInt(v.get(s));
            if (n < min || n > max) {
                throw new ConfigException(s.envName() + " must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(s.envName() + " must be a number, not '" + v.get(s) + "'", e);
        }
    }

    private static boolean bool(Setting s, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(s.envName() + " must be true or false, not '" + value + "'");
        };
    }

    @Override
    public String toString() {
        // Secrets stay out of any accidental log line.
        return "Settings[host=" + host + ", port=" + port + ", issuer=" + issuer + ", db=" + redactedDbUrl()
                + ", adminId=" + adminId + ", signingAlg=" + signingAlg + ", demo=" + demo + "]";
    }

    /** The DB URL without any password parameter, for log lines. */
    public String redactedDbUrl() {
        // PostgreSQL URLs separate parameters with '&' only (a ';' may be part of a password); H2 uses ';'.
        String value = dbUrl.startsWith("jdbc:postgresql:") ? "[^&]*" : "[^;&]*";
        return dbUrl.replaceAll("(?i)(password=)" + value, "$1***");
    }
}
