package dev.authbox.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.DuplicateKeyException;
import dev.authbox.store.SigningKeyRecord;
import dev.authbox.store.SigningKeyStore;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signing keys every node shares through the database. The newest key of each algorithm in use
 * signs: the configured one for access tokens, RS256 for ID tokens (OpenID Connect's default, which
 * clients that registered no other algorithm expect, and which discovery must list). Every current
 * key verifies and is published in the JWKS. A rotation, on any node, supersedes every key; a node
 * that then finds no live key of an algorithm it signs with makes one (so, in a cluster changing its
 * algorithm, the nodes of the other algorithm get a fresh key within a reload).
 */
public final class SigningKeys {
    /** The algorithm of ID tokens, whatever access tokens use. */
    public static final JWSAlgorithm ID_TOKEN_ALGORITHM = JWSAlgorithm.RS256;

    private record Active(JWK key, JWSSigner signer) {
    }

    /** The active signers and what verifiers and the JWKS need; replaced whole on reload. */
    private record KeySet(List<String> kids, List<String> state, Map<JWSAlgorithm, Active> active, Map<String, JWK> byKid,
            Map<String, JWSVerifier> verifiers, String jwksJson) {
    }

    private final SigningKeyStore store;
    private final KeyEncryptor encryptor;
    private final JWSAlgorithm accessTokenAlgorithm;
    private final SigningTurns turns;
    /** The algorithms this node signs with, each needing an active key. */
    private final Set<JWSAlgorithm> algorithms;
    private volatile KeySet keys;

    public SigningKeys(SigningKeyStore store, KeyEncryptor encryptor, String accessTokenAlgorithm, SigningTurns turns) {
        this.store = store;
        this.encryptor = encryptor;
        this.accessTokenAlgorithm = JWSAlgorithm.parse(accessTokenAlgorithm);
        this.turns = turns;
        this.algorithms = new LinkedHashSet<>(List.of(this.accessTokenAlgorithm, ID_TOKEN_ALGORITHM));
        reload();
    }

    /**
     * Rotation: new keys sign from now on (on every node within the reload interval): one of each
     * algorithm this node uses, and other nodes make their own for theirs. Every older key keeps
     * verifying until the tokens it signed have expired, then leaves the JWKS. Returns the new key
     * ids by algorithm.
     */
    public Map<String, String> rotate() {
        Map<String, String> made = new LinkedHashMap<>();
        for (JWSAlgorithm alg : algorithms) {
            made.put(alg.getName(), generate(alg));
        }
        store.supersedeAllBut(List.copyOf(made.values()), Instant.now().getEpochSecond());
        reload();
        return made;
    }

    /**
     * Retires rotated-out keys no longer needed to verify any token (allowing {@code skewSeconds}
     * for clocks); reloads when one went.
     */
    public void retireUnused(long skewSeconds) {
        if (store.retireUnused(Instant.now().getEpochSecond(), skewSeconds) > 0) {
            reload();
        }
    }

    /** The ids of the current keys, newest first. */
    public List<String> currentKeyIds() {
        return keys.kids();
    }

    /** The id of the key that signs access tokens. */
    public String activeKeyId() {
        return keys.active().get(accessTokenAlgorithm).key().getKeyID();
    }

    /** The id of the key that signs ID tokens (the access tokens' too when both use RS256). */
    public String activeIdTokenKeyId() {
        return keys.active().get(ID_TOKEN_ALGORITHM).key().getKeyID();
    }

    /** Generates a new key of the algorithm and stores it; it signs from the next reload on. */
    private String generate(JWSAlgorithm alg) {
        try {
            String kid = RandomTokens.newId();
            JWK jwk = alg.equals(JWSAlgorithm.ES256)
                    ? new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate()
                    : new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate();
            store.insert(new SigningKeyRecord(kid, alg.getName(), jwk.toPublicJWK().toJSONString(),
                    encryptor.seal(jwk.toJSONString()), Instant.now().getEpochSecond(), null));
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("key id collision; try again", e);
        }
    }

    /**
     * Reloads when another node added, rotated out or retired a key: new tokens then use the newest
     * live key, and every node verifies every current key. Cheap when nothing changed (one query of
     * key ids and rotation marks).
     */
    public void reloadIfChanged() {
        if (!store.currentState().equals(keys.state())) {
            reload();
        }
    }

    /**
     * Reads the current keys from the database, first making a key for each algorithm this node
     * signs with that has no live (not superseded) one: on first start, and after a rotation by a
     * node of another algorithm.
     */
    public void reload() {
        List<SigningKeyRecord> current = store.current();
        boolean made = false;
        for (JWSAlgorithm alg : algorithms) {
            if (current.stream().noneMatch(r -> r.supersededAt() == null && alg.getName().equals(r.alg()))) {
                generate(alg);
                made = true;
            }
        }
        if (made) {
            current = store.current();
        }
        List<String> kids = new ArrayList<>();
        List<String> state = new ArrayList<>();
        Map<JWSAlgorithm, Active> active = new HashMap<>();
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        Map<String, JWK> byKid = new HashMap<>();
        List<JWK> publicKeys = new ArrayList<>();
        for (SigningKeyRecord r : current) {
            JWK jwk = parse(encryptor.open(r.privateKey()));
            kids.add(r.kid());
            state.add(SigningKeyStore.state(r.kid(), r.supersededAt()));
            JWSAlgorithm alg = JWSAlgorithm.parse(r.alg());
            // newest first, live keys before superseded ones: the first of an algorithm signs
            if (algorithms.contains(alg) && !active.containsKey(alg)) {
                active.put(alg, new Active(jwk, signer(jwk)));
            }
            verifiers.put(jwk.getKeyID(), verifier(jwk));
            byKid.put(jwk.getKeyID(), jwk.toPublicJWK());
            publicKeys.add(jwk.toPublicJWK());
        }
        keys = new KeySet(List.copyOf(kids), List.copyOf(state), Map.copyOf(active), Map.copyOf(byKid), Map.copyOf(verifiers),
                new JWKSet(publicKeys).toString(true));
    }

    /** The algorithm of JWT access tokens (the configured one). */
    public JWSAlgorithm accessTokenAlgorithm() {
        return accessTokenAlgorithm;
    }

    /** Signs the claims with the newest key of the algorithm (one this node signs with); kid and signer from one snapshot. */
    public String sign(JWTClaimsSet claims, JOSEObjectType type, JWSAlgorithm alg) {
        Active signing = keys.active.get(alg);
        if (signing == null) {
            throw new IllegalArgumentException("this node does not sign with " + alg);
        }
        JWSHeader header = new JWSHeader.Builder(alg).type(type).keyID(signing.key().getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            turns.run(() -> jwt.sign(signing.signer()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /** True while the key with this id still verifies tokens (not retired). */
    public boolean verifies(String kid) {
        return keys.byKid.containsKey(kid);
    }

    /**
     * True when the JWT is signed by a current key with that key's own algorithm: the header's
     * alg alone is never trusted (no "none", no HS256 keyed with a public key, no RSA/EC swap).
     */
    public boolean verify(SignedJWT jwt) {
        JWSHeader header = jwt.getHeader();
        JWK key = header.getKeyID() == null ? null : keys.byKid.get(header.getKeyID());
        if (key == null || !header.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        try {
            return jwt.verify(keys.verifiers.get(key.getKeyID()));
        } catch (JOSEException e) {
            return false;
        }
    }

    public String jwksJson() {
        return keys.jwksJson;
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key is not a JWK", e);
        }
    }

    private static JWSSigner signer(JWK jwk) {
        try {
            return jwk instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot use signing key " + jwk.getKeyID(), e);
        }
    }

    private static JWSVerifier verifier(JWK jwk) {
        try {
            return jwk instanceof ECKey ec ? new ECDSAVerifier(ec.toPublicJWK()) : new RSASSAVerifier(((RSAKey) jwk).toPublicJWK());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot use verification key " + jwk.getKeyID(), e);
        }
    }
}
