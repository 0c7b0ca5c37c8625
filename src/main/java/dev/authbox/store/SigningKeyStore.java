package dev.authbox.store;

import java.util.ArrayList;
import java.util.List;

/** Signing keys shared by every node. */
public final class SigningKeyStore {
    /** Keys not rotated out first (a rotation may happen within the second its predecessor was made), then newest. */
    private static final String NEWEST_FIRST = "CASE WHEN superseded_at IS NULL THEN 0 ELSE 1 END, created_at DESC, kid";

    private final Jdbc jdbc;

    public SigningKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every key not yet retired, newest first. */
    public List<SigningKeyRecord> current() {
        return jdbc.query("SELECT kid, alg, public_jwk, private_key, created_at, superseded_at FROM signing_key"
                        + " WHERE retired_at IS NULL ORDER BY " + NEWEST_FIRST,
                rs -> new SigningKeyRecord(rs.getString("kid"), rs.getString("alg"), rs.getString("public_jwk"),
                        rs.getString("private_key"), rs.getLong("created_at"), Jdbc.nullableLong(rs, "superseded_at")));
    }

    /**
     * The id of each current key and whether it was rotated out, newest first: a cheap check for
     * changes made by other nodes. Ids alone would miss the second half of a rotation, which adds
     * the new keys and rotates out the others a moment later: a node reloading in between would
     * keep signing with a key rotated out.
     */
    public List<String> currentState() {
        return jdbc.query("SELECT kid, superseded_at FROM signing_key WHERE retired_at IS NULL ORDER BY " + NEWEST_FIRST,
                rs -> state(rs.getString("kid"), Jdbc.nullableLong(rs, "superseded_at")));
    }

    /** One key's entry in {@link #currentState}. */
    public static String state(String kid, Long supersededAt) {
        return supersededAt == null ? kid : kid + " rotated out";
    }

    /** Marks every current key but these as rotated out at {@code now}. */
    public void supersedeAllBut(List<String> kids, long now) {
        List<Object> args = new ArrayList<>();
        args.add(now);
        args.addAll(kids);
        jdbc.update("UPDATE signing_key SET superseded_at = ? WHERE kid NOT IN (" + Jdbc.placeholders(kids.size())
                + ") AND superseded_at IS NULL AND retired_at IS NULL", args.toArray());
    }

    /**
     * Retires rotated-out keys once no token issued before their rotation can still be valid
     * (with {@code skewSeconds} of grace); returns how many were retired.
     */
    public int retireUnused(long now, long skewSeconds) {
        return jdbc.update("UPDATE signing_key SET retired_at = ? WHERE retired_at IS NULL AND superseded_at IS NOT NULL"
                + " AND COALESCE((SELECT MAX(s.expires_at) FROM auth_session s WHERE s.created_at <= signing_key.superseded_at), 0) < ?",
                now, now - skewSeconds);
    }

    public void insert(SigningKeyRecord key) {
        jdbc.update("INSERT INTO signing_key (kid, alg, public_jwk, private_key, created_at, superseded_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                key.kid(), key.alg(), key.publicJwk(), key.privateKey(), key.createdAt(), key.supersededAt());
    }
}
