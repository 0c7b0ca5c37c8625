package dev.authbox.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Forged variants of real tokens issued by a node: {@code alg: none}, HS256 keyed with the
 * server's own public key (the classic algorithm confusion), a real token with a changed payload,
 * tokens signed by a key the server never had (unknown kid, known kid, embedded jwk), and plain
 * garbage in JWT shape. None of them may be accepted anywhere.
 */
final class ForgedJwts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private ForgedJwts() {
    }

    /** Name of the forgery to the token, for every forgery derived from {@code realJwt}. */
    static Map<String, String> of(String realJwt, String jwksJson, Map<String, Object> claimChanges) throws Exception {
        SignedJWT real = SignedJWT.parse(realJwt);
        String[] parts = realJwt.split("\\.");
        ObjectNode header = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        ObjectNode changed = payload.deepCopy();
        claimChanges.forEach((k, v) -> changed.set(k, JSON.valueToTree(v)));
        changed.put("exp", System.currentTimeMillis() / 1000 + 365L * 86400);
        String kid = real.getHeader().getKeyID();
        RSAKey serverKey = (RSAKey) JWKSet.parse(jwksJson).getKeyByKeyId(kid);

        Map<String, String> out = new LinkedHashMap<>();
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            ObjectNode h = JSON.createObjectNode().put("alg", none).put("typ", "JWT");
            out.put("alg-" + none, enc(h) + "." + enc(changed) + ".");
        }
        ObjectNode noneWithKid = header.deepCopy().put("alg", "none");
        out.put("alg-none-real-kid-unchanged-payload", enc(noneWithKid) + "." + parts[1] + ".");
        out.put("alg-none-with-real-signature", enc(noneWithKid) + "." + enc(changed) + "." + parts[2]);

        // HS256 keyed with what the server publishes: PEM, DER, the JWK's JSON, the modulus.
        byte[] der = serverKey.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----";
        Map<String, byte[]> hmacKeys = new LinkedHashMap<>();
        hmacKeys.put("pem", pem.getBytes(StandardCharsets.US_ASCII));
        hmacKeys.put("pem-nl", (pem + "\n").getBytes(StandardCharsets.US_ASCII));
        hmacKeys.put("der", der);
        hmacKeys.put("jwk-json", serverKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        hmacKeys.put("modulus", serverKey.getModulus().decode());
        hmacKeys.put("jwks", jwksJson.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> k : hmacKeys.entrySet()) {
            for (String alg : List.of("HS256", "HS512")) {
                ObjectNode h = header.deepCopy().put("alg", alg);
                String signingInput = enc(h) + "." + enc(changed);
                out.put(alg + "-with-public-" + k.getKey(), signingInput + "." + hmac(alg, k.getValue(), signingInput));
            }
        }

        out.put("changed-payload-real-signature", parts[0] + "." + enc(changed) + "." + parts[2]);
        ObjectNode extended = payload.deepCopy().put("exp", System.currentTimeMillis() / 1000 + 365L * 86400);
        out.put("extended-exp-real-signature", parts[0] + "." + enc(extended) + "." + parts[2]);
        out.put("signature-of-other-token-part", parts[0] + "." + parts[1] + "." + flip(parts[2]));

        RSAKey attacker = new RSAKeyGenerator(2048).keyID(kid).generate();
        out.put("known-kid-attacker-key", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), changed));
        out.put("unknown-kid", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid-the-server-never-had").build(), changed));
        out.put("no-kid", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).build(), changed));
        out.put("sql-kid", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("' OR '1'='1").build(), changed));
        out.put("path-kid", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("../../../../dev/null").build(), changed));
        out.put("embedded-jwk", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                .jwk(attacker.toPublicJWK()).build(), changed));
        out.put("jku-header", sign(attacker, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                .jwkURL(java.net.URI.create("http://127.0.0.1:1/jwks.json")).build(), changed));
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), JWTClaimsSet.parse(changed.toString()));
        es.sign(new ECDSASigner(ec));
        out.put("es256-known-kid", es.serialize());

        out.put("truncated", realJwt.substring(0, realJwt.length() - 1));
        out.put("two-parts", parts[0] + "." + parts[1]);
        out.put("four-parts", realJwt + ".x");
        out.put("empty-parts", "..");
        out.put("garbage-parts", "a.b.c");
        out.put("header-not-json", B64URL.encodeToString("not json".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2]);
        out.put("payload-not-json", parts[0] + "." + B64URL.encodeToString("[1,2".getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        out.put("jwe-shaped", parts[0] + ".." + parts[1] + ".." + parts[2]);
        out.put("huge", parts[0] + "." + B64URL.encodeToString(("{\"x\":\"" + "A".repeat(9000) + "\"}").getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        out.put("space-inside", parts[0] + ". " + parts[1] + "." + parts[2]);
        return out;
    }

    private static String sign(RSAKey key, JWSHeader header, ObjectNode claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims.toString()));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String hmac(String alg, byte[] key, String input) throws Exception {
        String javaAlg = alg.equals("HS256") ? "HmacSHA256" : "HmacSHA512";
        Mac mac = Mac.getInstance(javaAlg);
        mac.init(new SecretKeySpec(key, javaAlg));
        return Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))).toString();
    }

    private static String enc(ObjectNode json) {
        return B64URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String flip(String b64) {
        char[] c = b64.toCharArray();
        c[c.length / 2] = c[c.length / 2] == 'A' ? 'B' : 'A';
        return new String(c);
    }
}
