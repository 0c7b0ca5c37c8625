package dev.authbox.oauth;

/**
 * How a request presented its client: by HTTP Basic, by {@code client_id}/{@code client_secret}
 * in the body, or by {@code client_id} alone (a public client). Null fields were not presented.
 */
public record ClientCredentials(String clientId, String secret, Method method) {
    public enum Method { BASIC, BODY, NONE }

    public static final ClientCredentials ABSENT = new ClientCredentials(null, null, Method.NONE);

    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + ", method=" + method + "]";
    }
}
