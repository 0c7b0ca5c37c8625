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
import java.util.List;
import java.util.Map;

/**
 * The signing keys every node shares through the database. The newest key of the configured
 * algorithm signs; every current key verifies and is published in the JWKS.
 */
public final class SigningKeys {
    /** The active signer and what verifiers and the JWKS need; replaced whole on reload. */
    private record KeySet(List<String> kids, JWK active, JWSSigner signer, Map<String, JWK> byKid, Map<String, JWSVerifier> verifiers,
            String jwksJson) {
    }

    private final SigningKeyStore store;
    private final KeyEncryptor encryptor;
    private final JWSAlgorithm algorithm;
    private volatile KeySet keys;

    public SigningKeys(SigningKeyStore store, KeyEncryptor encryptor, String algorithm) {
        this.store = store;
        this.encryptor = encryptor;
        this.algorithm = JWSAlgorithm.parse(algorithm);
        reload();
        if (keys.active == null) {
            generate();
            reload();
        }
    }

    /**
     * Rotation: a new key signs from now on (on every node within the reload interval); the old
     * ones keep verifying until the tokens they signed have expired, then leave the JWKS.
     */
    public String rotate() {
        String kid = generate();
        store.supersedeAllBut(kid, java.time.Instant.now().getEpochSecond());
        reload();
        return kid;
    }

    /**
     * Retires rotated-out keys no longer needed to verify any token (allowing {@code skewSeconds}
     * for clocks); reloads when one went.
     */
    public void retireUnused(long skewSeconds) {
        if (store.retireUnused(java.time.Instant.now().getEpochSecond(), skewSeconds) > 0) {
            reload();
        }
    }

    /** The ids of the current keys, newest first, and which one signs. */
    public List<String> currentKeyIds() {
        return keys.kids();
    }

    public String activeKeyId() {
        return keys.active().getKeyID();
    }

    /** Generates a new key of the configured algorithm and stores it; it signs from the next reload on. */
    public String generate() {
        try {
            String kid = RandomTokens.newId();
            JWK jwk = algorithm.equals(JWSAlgorithm.ES256)
                    ? new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).generate()
                    : new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).generate();
            store.insert(new SigningKeyRecord(kid, algorithm.getName(), jwk.toPublicJWK().toJSONString(),
                    encryptor.seal(jwk.toJSONString()), Instant.now().getEpochSecond(), null));
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("key id collision; try again", e);
        }
    }

    /**
     * Reloads when another node added or retired a key: new tokens then use the newest key, and
     * every node verifies every current key. Cheap when nothing changed (one query of key ids).
     */
    public void reloadIfChanged() {
        if (!store.currentKids().equals(keys.kids())) {
            reload();
        }
    }

    /** Reads the current keys from the database. */
    public void reload() {
        List<JWK> all = new ArrayList<>();
        List<String> kids = new ArrayList<>();
        JWK active = null;
        for (SigningKeyRecord r : store.current()) {
            kids.add(r.kid());
            JWK jwk = parse(encryptor.open(r.privateKey()));
            all.add(jwk);
            if (active == null && algorithm.getName().equals(r.alg())) {
                active = jwk;
            }
        }
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        Map<String, JWK> byKid = new HashMap<>();
        List<JWK> publicKeys = new ArrayList<>();
        for (JWK jwk : all) {
            verifiers.put(jwk.getKeyID(), verifier(jwk));
            byKid.put(jwk.getKeyID(), jwk.toPublicJWK());
            publicKeys.add(jwk.toPublicJWK());
        }
        keys = new KeySet(List.copyOf(kids), active, active == null ? null : signer(active), Map.copyOf(byKid), Map.copyOf(verifiers),
                new JWKSet(publicKeys).toString(true));
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** Signs the claims with the active key; kid and signer come from one snapshot of the key set. */
    public String sign(JWTClaimsSet claims, JOSEObjectType type) {
        KeySet current = keys;
        JWSHeader header = new JWSHeader.Builder(algorithm).type(type).keyID(current.active.getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(current.signer);
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
