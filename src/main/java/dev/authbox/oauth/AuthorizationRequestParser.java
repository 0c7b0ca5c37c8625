package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.resource.GrantTypes;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates an authorization request in the order that keeps redirects safe: the client and the
 * redirect URI first (failures there are shown, never redirected), then everything else (failures
 * go back to the now trusted redirect URI).
 */
public final class AuthorizationRequestParser {
    private static final Set<Set<String>> RESPONSE_TYPES = Set.of(
            Set.of("code"), Set.of("token"), Set.of("id_token"), Set.of("id_token", "token"),
            Set.of("code", "id_token"), Set.of("code", "token"), Set.of("code", "id_token", "token"));
    private static final Set<String> MODES = Set.of("query", "fragment", "form_post");
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");

    private final ClientDirectory clients;

    public AuthorizationRequestParser(ClientDirectory clients) {
        this.clients = clients;
    }

    public AuthorizationRequest parse(Map<String, List<String>> multi) {
        String clientId = unique(multi, "client_id", null);
        if (clientId == null || clientId.isEmpty()) {
            throw AuthorizationError.page("client_id is missing");
        }
        Client client = clients.find(clientId).orElseThrow(() -> AuthorizationError.page("unknown client: "
                + OAuthException.quote(clientId)));
        String rawType = unique(multi, "response_type", null);
        Set<String> responseType = rawType == null ? Set.of() : new LinkedHashSet<>(List.of(rawType.split(" ")));
        String redirectParam = unique(multi, "redirect_uri", null);
        String redirectUri = redirectUri(client, responseType, redirectParam);

        Map<String, String> params = new HashMap<>();
        String state = null;
        List<String> states = multi.get("state");
        if (states != null && states.size() == 1) {
            state = states.get(0);
        }
        boolean tokens = responseType.contains("token") || responseType.contains("id_token");
        AuthorizationError.Target target = new AuthorizationError.Target(redirectUri,
                tokens ? "fragment" : "query", state);
        for (Map.Entry<String, List<String>> e : multi.entrySet()) {
            if (e.getValue().size() != 1) {
                throw error(target, "invalid_request", "parameter given more than once: " + OAuthException.quote(e.getKey()));
            }
            params.put(e.getKey(), e.getValue().get(0));
        }
        String mode = params.get("response_mode");
        if (mode != null && !MODES.contains(mode)) {
            throw error(target, "invalid_request", "unsupported response_mode: " + OAuthException.quote(mode));
        }
        if (mode != null) {
            target = new AuthorizationError.Target(redirectUri, mode, state);
        }
        if (params.containsKey("request")) {
            throw error(target, "request_not_supported", "request objects are not supported");
        }
        if (params.containsKey("request_uri")) {
            throw error(target, "request_uri_not_supported", "request_uri is not supported");
        }
        if (rawType == null || rawType.isEmpty()) {
            throw error(target, "invalid_request", "response_type is missing");
        }
        if (!RESPONSE_TYPES.contains(responseType)) {
            throw error(target, "unsupported_response_type", "unsupported response_type: " + OAuthException.quote(rawType));
        }
        if ((responseType.contains("code") && !client.allows(GrantTypes.AUTHORIZATION_CODE))
                || (tokens && !client.allows(GrantTypes.IMPLICIT))) {
            throw error(target, "unauthorized_client", "this client may not use response_type " + rawType);
        }
        if (tokens && "query".equals(mode)) {
            throw error(target, "invalid_request", "tokens are never returned in the query: use fragment or form_post");
        }
        Set<String> scopes;
        try {
            scopes = Scopes.requested(params.get("scope"), client);
        } catch (OAuthException e) {
            throw error(target, e.error(), e.description());
        }
        String nonce = bounded(params, "nonce", 500, target);
        if (responseType.contains("id_token")) {
            if (!scopes.contains("openid")) {
                throw error(target, "invalid_scope", "an id_token needs the openid scope");
            }
            if (nonce == null) {
                throw error(target, "invalid_request", "nonce is required when an id_token is returned from this endpoint");
            }
        }
        String challenge = pkce(client, responseType, params, target);
        Set<String> prompt = new LinkedHashSet<>();
        String rawPrompt = params.get("prompt");
        if (rawPrompt != null && !rawPrompt.isEmpty()) {
            prompt.addAll(List.of(rawPrompt.split(" ")));
            if (!PROMPTS.containsAll(prompt) || (prompt.contains("none") && prompt.size() > 1)) {
                throw error(target, "invalid_request", "prompt must be none, or any of login, consent, select_account");
            }
        }
        Integer maxAge = null;
        if (params.get("max_age") != null) {
            try {
                maxAge = Integer.parseInt(params.get("max_age"));
            } catch (NumberFormatException e) {
                maxAge = -1;
            }
            if (maxAge < 0) {
                throw error(target, "invalid_request", "max_age must be a whole number of seconds");
            }
        }
        String loginHint = bounded(params, "login_hint", 255, target);
        return new AuthorizationRequest(client, redirectUri, redirectParam != null, Set.copyOf(responseType),
                mode != null ? mode : target.responseMode(), state, scopes, nonce, challenge, Set.copyOf(prompt), maxAge,
                loginHint, Map.copyOf(params));
    }

    /** The exact registered URI; with none given, the only one registered. Never a redirect on failure. */
    private static String redirectUri(Client client, Set<String> responseType, String given) {
        List<String> registered;
        if (responseType.contains("code")) {
            registered = client.redirectUris(GrantTypes.AUTHORIZATION_CODE);
        } else if (responseType.contains("token") || responseType.contains("id_token")) {
            registered = client.redirectUris(GrantTypes.IMPLICIT);
        } else {
            Set<String> all = new LinkedHashSet<>(client.redirectUris(GrantTypes.AUTHORIZATION_CODE));
            all.addAll(client.redirectUris(GrantTypes.IMPLICIT));
            registered = List.copyOf(all);
        }
        if (given == null) {
            if (registered.size() == 1) {
                return registered.get(0);
            }
            throw AuthorizationError.page(registered.isEmpty() ? "this client has no registered redirect_uri"
                    : "redirect_uri is required: this client registered several");
        }
        if (!registered.contains(given)) {
            throw AuthorizationError.page("redirect_uri is not registered for this client");
        }
        return given;
    }

    private static String pkce(Client client, Set<String> responseType, Map<String, String> params,
                               AuthorizationError.Target target) {
        String challenge = params.get("code_challenge");
        String method = params.get("code_challenge_method");
        if (!responseType.contains("code")) {
            return null;
        }
        if (challenge == null) {
            if (method != null) {
                throw error(target, "invalid_request", "code_challenge_method without code_challenge");
            }
            if (client.settings(GrantTypes.AUTHORIZATION_CODE).pkce() || !client.hasSecret()) {
                throw error(target, "invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256");
            }
            return null;
        }
        if (!"S256".equals(method)) {
            throw error(target, "invalid_request", "code_challenge_method must be S256");
        }
        if (!challenge.matches("[A-Za-z0-9_-]{43}")) {
            throw error(target, "invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the verifier");
        }
        return challenge;
    }

    private static String bounded(Map<String, String> params, String name, int max, AuthorizationError.Target target) {
        String value = params.get(name);
        if (value != null && value.length() > max) {
            throw error(target, "invalid_request", name + " is longer than " + max + " characters");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static String unique(Map<String, List<String>> multi, String name, String fallback) {
        List<String> values = multi.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        if (values.size() > 1) {
            throw AuthorizationError.page(name + " given more than once");
        }
        return values.get(0);
    }

    private static AuthorizationError error(AuthorizationError.Target target, String error, String description) {
        return new AuthorizationError(error, description, target);
    }
}
