package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit's promises to the requests waiting on it: each gets its own result once its
 * batch commits, one bad item fails only itself, and no failure, not even an {@link Error} in a
 * batch, leaves a request waiting forever or stops later writes.
 */
class GroupCommitTest {
    private Jdbc jdbc;
    private GroupCommit<String, String> commits;
    private final CountDownLatch gateReached = new CountDownLatch(1);
    private final CountDownLatch gateOpen = new CountDownLatch(1);
    private final List<List<String>> batches = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:group-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new Jdbc(ds);
        jdbc.update("CREATE TABLE written (item VARCHAR(20) PRIMARY KEY)");
        // One writer, so that what queues while "gate" is written becomes the next batch, in order.
        commits = new GroupCommit<>("test-writer", jdbc, 1, (c, items) -> {
            synchronized (batches) {
                batches.add(List.copyOf(items));
            }
            List<String> results = new ArrayList<>();
            for (String item : items) {
                if (item.equals("gate")) {
                    awaitGate();
                }
                if (item.startsWith("oom")) {
                    throw new OutOfMemoryError("simulated: " + item);
                }
                if (item.startsWith("bad")) {
                    throw new IllegalArgumentException("refused: " + item);
                }
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO written VALUES ('" + item + "')");
                }
                results.add("wrote " + item);
            }
            return results;
        });
    }

    @AfterEach
    void tearDown() {
        gateOpen.countDown();
        commits.close();
    }

    @Test
    void eachRequestGetsItsOwnResultFromOneSharedCommit() throws Exception {
        List<CompletableFuture<String>> queued = behindGate("a", "b", "c");

        assertThat(queued.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("wrote a");
        assertThat(queued.get(2).get(5, TimeUnit.SECONDS)).isEqualTo("wrote c");
        assertThat(batches).containsExactly(List.of("gate"), List.of("a", "b", "c"));
        assertThat(written()).containsExactlyInAnyOrder("gate", "a", "b", "c");
    }

    @Test
    void aBadItemFailsAloneAndItsNeighboursAreWrittenOnTheirOwn() throws Exception {
        List<CompletableFuture<String>> queued = behindGate("a", "bad", "b");
        CompletableFuture<String> a = queued.get(0), bad = queued.get(1), b = queued.get(2);

        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("wrote a");
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("wrote b");
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(written()).containsExactlyInAnyOrder("gate", "a", "b");
    }

    @Test
    void anErrorInABatchFailsWhatItDidNotCommitAndTheWriterGoesOn() throws Exception {
        // "bad" sends the batch back item by item; "oom" then throws an Error while "b" is still to go.
        List<CompletableFuture<String>> queued = behindGate("a", "bad", "oom", "b");
        CompletableFuture<String> a = queued.get(0), bad = queued.get(1), oom = queued.get(2), b = queued.get(3);

        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("wrote a");
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> oom.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(OutOfMemoryError.class);
        assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(OutOfMemoryError.class);

        // A batch that is all Error, then the same writer still commits.
        assertThatThrownBy(() -> writeAsync("oom-again").get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(OutOfMemoryError.class);
        assertThat(writeAsync("c").get(5, TimeUnit.SECONDS)).isEqualTo("wrote c");
        assertThat(written()).containsExactlyInAnyOrder("gate", "a", "c");
    }

    @Test
    void writesAfterCloseAreRefused() {
        gateOpen.countDown();
        commits.close();
        assertThatThrownBy(() -> commits.write("late")).isInstanceOf(StoreUnavailableException.class);
    }

    /**
     * Queues the items, in order, while the writer is held on a batch of its own ("gate"), then lets
     * it go: the items make up its next batch. The items are queued only once the writer holds the
     * gate, or it could take the first of them into the gate's batch.
     */
    private List<CompletableFuture<String>> behindGate(String... items) throws Exception {
        CompletableFuture<String> gate = writeAsync("gate");
        assertThat(gateReached.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String item : items) {
            queued.add(writeAsync(item));
        }
        gateOpen.countDown();
        assertThat(gate.get(5, TimeUnit.SECONDS)).isEqualTo("wrote gate");
        return queued;
    }

    /**
     * Starts a write on its own thread and returns once that thread waits on its commit, so that
     * writes started one after another queue in that order.
     */
    private CompletableFuture<String> writeAsync(String item) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(commits.write(item));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "write-" + item);
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!result.isDone() && t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return result;
    }

    private void awaitGate() {
        gateReached.countDown();
        try {
            assertThat(gateOpen.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> written() {
        return jdbc.query("SELECT item FROM written", rs -> rs.getString(1));
    }
}
