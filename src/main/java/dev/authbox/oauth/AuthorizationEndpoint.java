package dev.authbox.oauth;

import dev.authbox.oidc.IdTokens;
import dev.authbox.resource.Client;
import dev.authbox.resource.GrantSettings;
import dev.authbox.resource.GrantTypes;
import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.RandomTokens;
import dev.authbox.store.AuthCodeRecord;
import dev.authbox.store.AuthCodeStore;
import dev.authbox.store.SsoSessionRecord;
import dev.authbox.token.IssuedTokens;
import dev.authbox.token.TokenGenerator;
import dev.authbox.token.TokenGrant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The authorization endpoint's decisions (RFC 6749 §4.1-4.2, OIDC Core §3): sign-in and consent
 * when needed (or the errors {@code prompt=none} asks for), then the code, tokens and ID token the
 * response type asks for, always with {@code iss} (RFC 9207) and the client's {@code state}.
 */
public final class AuthorizationEndpoint {
    static final long CODE_LIFETIME_SECONDS = 60;

    private final String issuer;
    private final UserDirectory users;
    private final Consents consents;
    private final AuthCodeStore codes;
    private final TokenGenerator tokens;
    private final IdTokens idTokens;

    public AuthorizationEndpoint(String issuer, UserDirectory users, Consents consents, AuthCodeStore codes,
                                 TokenGenerator tokens, IdTokens idTokens) {
        this.issuer = issuer;
        this.users = users;
        this.consents = consents;
        this.codes = codes;
        this.tokens = tokens;
        this.idTokens = idTokens;
    }

    public String issuer() {
        return issuer;
    }

    public AuthorizationOutcome decide(AuthorizationRequest req, Optional<SsoSessionRecord> sso) {
        long now = Instant.now().getEpochSecond();
        Optional<User> user = sso.flatMap(s -> users.find(s.userId())).filter(u -> !u.inactive());
        boolean loginNeeded = user.isEmpty() || req.prompt().contains("login")
                || (req.maxAge() != null && (req.maxAge() == 0 || now - sso.get().authTime() > req.maxAge()));
        if (loginNeeded) {
            if (req.prompt().contains("none")) {
                return error(req, "login_required", "the user is not signed in");
            }
            return new AuthorizationOutcome.Login(returnTo(req, "login"), req.loginHint());
        }
        Client client = req.client();
        boolean consentNeeded = req.prompt().contains("consent")
                || (!client.firstParty() && !consents.covers(user.get().id(), client.id(), req.scopes()));
        if (consentNeeded) {
            if (req.prompt().contains("none")) {
                return error(req, "consent_required", "the user has not approved this client");
            }
            return new AuthorizationOutcome.Consent(returnTo(req, "consent"));
        }
        return respond(req, user.get(), sso.get(), now);
    }

    /** The error response for the request (for consent denial and prompt=none). */
    public AuthorizationOutcome error(AuthorizationRequest req, String error, String description) {
        return error(new AuthorizationError.Target(req.redirectUri(), req.responseMode(), req.state()), error, description);
    }

    public AuthorizationOutcome error(AuthorizationError.Target target, String error, String description) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        if (target.state() != null) {
            params.put("state", target.state());
        }
        params.put("iss", issuer);
        return new AuthorizationOutcome.Respond(target.redirectUri(), target.responseMode(), params);
    }

    private AuthorizationOutcome respond(AuthorizationRequest req, User user, SsoSessionRecord sso, long now) {
        Client client = req.client();
        Map<String, String> params = new LinkedHashMap<>();
        String familyId = RandomTokens.newTimeOrderedId();
        String code = null;
        if (req.wantsCode()) {
            code = RandomTokens.newBearer();
            codes.insert(new AuthCodeRecord(RandomTokens.lookupKey(code), familyId, client.id(), user.id(), sso.id(),
                    req.redirectUri(), req.redirectGiven(), TokenGenerator.joinScopes(req.scopes()), req.nonce(),
                    req.codeChallenge(), sso.authTime(), now, now + CODE_LIFETIME_SECONDS, null));
            params.put("code", code);
        }
        GrantSettings settings = frontChannelSettings(client, req);
        IssuedTokens issued = null;
        if (req.wantsAccessToken()) {
            issued = tokens.issue(new TokenGrant(client.id(), user.id(), GrantTypes.IMPLICIT, settings, req.scopes(),
                    null, familyId, null, sso.id()));
            params.put("access_token", issued.accessToken());
            params.put("token_type", "Bearer");
            params.put("expires_in", Long.toString(issued.expiresIn()));
            if (issued.scope() != null) {
                params.put("scope", issued.scope());
            }
        }
        if (req.wantsIdToken()) {
            params.put("id_token", idTokens.issue(user, req.scopes(), new IdTokens.Context(client.id(), now,
                    now + settings.accessTokenExpiration(), sso.authTime(), req.nonce(),
                    issued == null ? null : TokenResponder.halfHash(issued.accessToken()),
                    code == null ? null : TokenResponder.halfHash(code))));
        }
        if (req.state() != null) {
            params.put("state", req.state());
        }
        params.put("iss", issuer);
        return new AuthorizationOutcome.Respond(req.redirectUri(), req.responseMode(), params);
    }

    /** Settings for tokens issued from this endpoint: implicit's if configured, never a refresh token. */
    private static GrantSettings frontChannelSettings(Client client, AuthorizationRequest req) {
        GrantSettings s = client.auth().containsKey(GrantTypes.IMPLICIT)
                ? client.settings(GrantTypes.IMPLICIT) : client.settings(req.grantType());
        return new GrantSettings(s.tokenFormat(), s.accessTokenExpiration(), false, null, s.secretRequired(), s.pkce(),
                s.redirectUris(), s.audience());
    }

    /**
     * The authorization request as a local URL to resume at, without what the next step satisfies:
     * the prompt value, and after a sign-in the max_age (a sign-in that just happened meets any).
     */
    private static String returnTo(AuthorizationRequest req, String satisfiedPrompt) {
        Map<String, String> params = new TreeMap<>(req.params());
        if (satisfiedPrompt.equals("login")) {
            params.remove("max_age");
        }
        String prompt = params.remove("prompt");
        if (prompt != null) {
            String rest = String.join(" ", java.util.Arrays.stream(prompt.split(" "))
                    .filter(p -> !p.equals(satisfiedPrompt) && !p.equals("select_account")).toList());
            if (!rest.isEmpty()) {
                params.put("prompt", rest);
            }
        }
        StringBuilder url = new StringBuilder("/auth/authorize?");
        params.forEach((k, v) -> url.append(url.charAt(url.length() - 1) == '?' ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return url.toString();
    }
}
