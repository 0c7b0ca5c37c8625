package dev.authbox.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private final ClientAddresses proxies = new ClientAddresses(List.of("10.0.0.0/8", "::1"));

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        assertThat(proxies.resolve("203.0.113.9", "198.51.100.7")).isEqualTo("203.0.113.9");
        assertThat(new ClientAddresses(List.of()).resolve("127.0.0.1", "198.51.100.7")).isEqualTo("127.0.0.1");
    }

    @Test
    void trustedProxyYieldsTheRightMostUntrustedHop() {
        assertThat(proxies.resolve("10.1.2.3", "198.51.100.7")).isEqualTo("198.51.100.7");
        // A client can prepend anything; only the hops our proxies appended count.
        assertThat(proxies.resolve("10.1.2.3", "1.2.3.4, 198.51.100.7, 10.9.9.9")).isEqualTo("198.51.100.7");
        assertThat(proxies.resolve("0:0:0:0:0:0:0:1", "2001:db8::5")).isEqualTo("2001:db8::5");
    }

    @Test
    void garbageInForwardedForFallsBackToThePeer() {
        assertThat(proxies.resolve("10.1.2.3", "not-an-ip")).isEqualTo("10.1.2.3");
        assertThat(proxies.resolve("10.1.2.3", "evil.example.com")).isEqualTo("10.1.2.3");
        assertThat(proxies.resolve("10.1.2.3", null)).isEqualTo("10.1.2.3");
    }
}
