package dev.authbox.http;

import io.javalin.http.Context;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real client address and scheme of a request. {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} are believed only when the connection comes from a configured trusted
 * proxy; then the client is the right-most forwarded address that is not itself a trusted proxy.
 */
public final class ClientAddresses {
    private record Range(BigInteger network, int bits, int length) {
        boolean contains(byte[] address) {
            if (address.length != length) {
                return false;
            }
            int shift = length * 8 - bits;
            return new BigInteger(1, address).shiftRight(shift).equals(network.shiftRight(shift));
        }
    }

    private final List<Range> trusted = new ArrayList<>();

    public ClientAddresses(List<String> trustedProxies) {
        for (String entry : trustedProxies) {
            String[] parts = entry.split("/");
            byte[] address = parse(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address: " + entry);
            }
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
            trusted.add(new Range(new BigInteger(1, address), Math.min(bits, address.length * 8), address.length));
        }
    }

    public String clientAddress(Context ctx) {
        return resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** The client address given the connection's peer and its X-Forwarded-For header (may be null). */
    public String resolve(String remote, String forwarded) {
        if (!isTrusted(remote)) {
            return remote;
        }
        if (forwarded == null) {
            return remote;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (parse(hop) == null) {
                return remote;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return remote;
    }

    /** True when the client reached us over HTTPS: directly, or through a trusted proxy that says so. */
    public boolean secure(Context ctx) {
        if ("https".equals(ctx.scheme())) {
            return true;
        }
        String proto = ctx.header("X-Forwarded-Proto");
        return proto != null && isTrusted(ctx.req().getRemoteAddr()) && proto.trim().toLowerCase(Locale.ROOT).equals("https");
    }

    private boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        byte[] bytes = parse(address);
        return bytes != null && trusted.stream().anyMatch(r -> r.contains(bytes));
    }

    /** A literal IPv4 or IPv6 address; null for anything else (never a DNS lookup). */
    private static byte[] parse(String literal) {
        if (literal == null || literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.%a-z]+") || literal.length() > 64) {
            return null;
        }
        String bare = literal.startsWith("[") ? literal.substring(1, literal.length() - 1) : literal;
        boolean ipv4 = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!ipv4 && !bare.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
