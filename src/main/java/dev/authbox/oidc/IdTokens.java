package dev.authbox.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.authbox.resource.User;
import dev.authbox.token.SigningKeys;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Issues OpenID Connect ID tokens (OIDC Core §2), signed with the shared RS256 keys. */
public final class IdTokens {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String issuer;
    private final SigningKeys keys;

    public IdTokens(String issuer, SigningKeys keys) {
        this.issuer = issuer;
        this.keys = keys;
    }

    /** What an ID token says beyond the user's claims: for whom, when, and the optional bindings. */
    public record Context(String clientId, long issuedAt, long expiresAt, long authTime, String nonce,
                          String accessTokenHash, String codeHash) {
    }

    public String issue(User user, Set<String> scopes, Context ctx) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(ctx.clientId())
                .issueTime(new Date(ctx.issuedAt() * 1000))
                .expirationTime(new Date(ctx.expiresAt() * 1000))
                .claim("auth_time", ctx.authTime())
                // Every sign-in here is by password: one factor, authentication context class 1.
                .claim("amr", java.util.List.of("pwd"))
                .claim("acr", "1")
                .claim("azp", ctx.clientId());
        ObjectNode claims = UserClaims.of(user, scopes);
        for (Iterator<Map.Entry<String, JsonNode>> it = claims.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.claim(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
        }
        b.subject(user.id());
        if (ctx.nonce() != null) {
            b.claim("nonce", ctx.nonce());
        }
        if (ctx.accessTokenHash() != null) {
            b.claim("at_hash", ctx.accessTokenHash());
        }
        if (ctx.codeHash() != null) {
            b.claim("c_hash", ctx.codeHash());
        }
        return keys.sign(b.build(), JOSEObjectType.JWT, SigningKeys.ID_TOKEN_ALGORITHM);
    }
}
