package dev.authbox.config;

import java.util.Locale;

/**
 * Every configuration setting, in one place: its environment variable, its key in the YAML file,
 * its command-line flag, its default and its help text all derive from this list.
 */
public enum Setting {
    HOST("127.0.0.1", "Bind address."),
    PORT("8080", "HTTP port."),
    ISSUER(null, "Issuer URL, the base of every endpoint in discovery (default http://localhost:<port>)."),
    DB_URL("jdbc:h2:file:./data/authbox", "JDBC URL: jdbc:h2:file:... (embedded) or jdbc:postgresql://..."),
    DB_USER(null, "Database user, when not in the URL."),
    DB_PASSWORD(null, "Database password, when not in the URL."),
    DB_POOL_SIZE("16", "Maximum database connections of this node."),
    ADMIN_ID("admin", "Id of the bootstrap admin client, created or updated at start."),
    ADMIN_SECRET(null, "Secret of the admin client (generated and printed once when unset and the client is new)."),
    KEY_SECRET(null, "Secret that encrypts private signing keys at rest (strongly recommended)."),
    DEMO(null, "Create the demo client and user: true/false (default true on H2, false otherwise)."),
    SIGNING_ALG("RS256", "JWS algorithm of new signing keys: RS256 or ES256."),
    SIGNING_CONCURRENCY("0", "Token signatures computed at once, granted in arrival order: 0 for no bound, a number, or"
            + " 'auto' (twice the cores). On JDK 17 a bound keeps response times even under overload, for less throughput."),
    ARGON2_MEMORY_KIB("19456", "Argon2id memory cost in KiB for new secret and password hashes."),
    ARGON2_ITERATIONS("2", "Argon2id iterations for new hashes."),
    ARGON2_PARALLELISM("1", "Argon2id parallelism for new hashes."),
    LOGIN_MAX_FAILURES("5", "Failed password checks per username within the window before further attempts are refused"
            + " (4 times as many per client address)."),
    LOGIN_WINDOW_SECONDS("300", "Length of the failed-login window, in seconds."),
    SSO_SESSION_SECONDS("43200", "Lifetime of a browser sign-in (SSO) session, in seconds."),
    EXPIRED_RETENTION_SECONDS("3600", "How long expired, revoked or ended tokens, codes and sessions stay in the database"
            + " before they are deleted, in seconds (until then a replayed refresh token or code still revokes its family)."),
    TLS_CERT(null, "PEM file with the certificate chain: serve HTTPS (TLS 1.2+, HTTP/2) instead of HTTP."),
    TLS_KEY(null, "PEM file with the certificate's private key (unencrypted PKCS#8, 'BEGIN PRIVATE KEY')."),
    TRUSTED_PROXIES(null, "Comma-separated addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-* headers"
            + " are believed; from anyone else those headers are ignored.");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String envName() {
        return "AUTHBOX_" + name();
    }

    public String fileKey() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String flag() {
        return "--" + fileKey().replace('_', '-');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
