package dev.authbox.http;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Stopping a node (SIGTERM runs the same close) lets the requests in flight finish. */
class GracefulShutdownTest {
    @Test
    void requestsInFlightFinishWhenTheNodeStops() throws Exception {
        // An expensive Argon2id cost keeps each password check busy for a while.
        TestServer server = TestServer.start(TestDatabase.H2.freshUrl(), Map.of(Setting.ARGON2_MEMORY_KIB, "65536",
                Setting.ARGON2_ITERATIONS, "3"));
        String client = TestServer.uniqueId("graceful");
        server.put("/Client/" + client, "{\"secret\":\"s\",\"grant_types\":[\"password\"]}");
        server.put("/User/" + client, "{\"password\":\"pw\"}");
        List<CompletableFuture<HttpResult>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> server.token(basic(client, "s"),
                    form("grant_type", "password", "username", client, "password", "pw"))));
        }
        Thread.sleep(150);
        long started = System.nanoTime();
        server.close();
        for (CompletableFuture<HttpResult> call : calls) {
            HttpResult r = call.get();
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("stop waited for them, not for its deadline").isLessThan(9_000);
    }
}
