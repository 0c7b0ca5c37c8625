package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.security.RandomTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the embedded database, a token recorded is a token kept: rows whose commit returned are in the
 * file even when the process is killed with SIGKILL right after, with no chance to close the
 * database. (H2 on its own keeps commits in memory for up to half a second.)
 */
class H2DurabilityTest {
    private static final int ROWS = 40;

    @TempDir
    Path dir;

    @Test
    void sessionsRecordedBeforeAKillAreInTheFileAfterIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("authbox");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Recorder.class.getName(), url)
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        List<String> recorded = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (recorded.size() < ROWS && (line = out.readLine()) != null) {
                if (line.startsWith("recorded ")) {
                    recorded.add(line.substring("recorded ".length()));
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close of the database
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(recorded).as("ids the child printed; its standard error: %s",
                Files.readString(dir.resolve("child.err"))).hasSize(ROWS);

        try (Database db = Database.open(settings(url))) {
            SessionStore sessions = new SessionStore(db.jdbc());
            assertThat(recorded).allSatisfy(id -> assertThat(sessions.find(id)).as("session %s", id).isPresent());
        }
    }

    /** WRITE_DELAY=0 stops H2's background thread; the node's own compaction must run in its place, and only then. */
    @Test
    void aFileWrittenAtEveryCommitIsCompactedByTheNode() {
        long before = housekeepingThreads(); // other tests' databases, if any are open
        try (Database file = Database.open(settings("jdbc:h2:file:" + dir.resolve("compacted")))) {
            assertThat(housekeepingThreads()).isEqualTo(before + 1);
        }
        assertThat(housekeepingThreads()).as("stopped with the database").isEqualTo(before);
        try (Database own = Database.open(settings("jdbc:h2:file:" + dir.resolve("own") + ";WRITE_DELAY=500"));
             Database memory = Database.open(settings("jdbc:h2:mem:housekeeping"))) {
            assertThat(housekeepingThreads()).as("H2's own thread compacts a delayed file; memory needs none")
                    .isEqualTo(before);
        }
    }

    private static long housekeepingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("authbox-h2-housekeeping") && t.isAlive()).count();
    }

    @Test
    void onlyH2InAFileOfThisProcessIsToldToWriteEachCommit() {
        long heap = 1L << 30; // H2's own cache size
        assertThat(Database.jdbcUrl("jdbc:h2:file:./data/authbox", heap))
                .isEqualTo("jdbc:h2:file:./data/authbox;WRITE_DELAY=0;CACHE_SIZE=16384");
        assertThat(Database.jdbcUrl("jdbc:h2:./x;MODE=PostgreSQL;", heap))
                .isEqualTo("jdbc:h2:./x;MODE=PostgreSQL;WRITE_DELAY=0;CACHE_SIZE=16384");
        assertThat(Database.jdbcUrl("jdbc:h2:file:./x;write_delay=100", heap)).isEqualTo("jdbc:h2:file:./x;write_delay=100;CACHE_SIZE=16384");
        assertThat(Database.jdbcUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", heap)).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(Database.jdbcUrl("jdbc:h2:tcp://db.example/./authbox", heap)).isEqualTo("jdbc:h2:tcp://db.example/./authbox");
        assertThat(Database.jdbcUrl("jdbc:h2:tcp://localhost/mem:x", heap)).isEqualTo("jdbc:h2:tcp://localhost/mem:x");
        assertThat(Database.jdbcUrl("jdbc:postgresql://127.0.0.1/test", heap)).isEqualTo("jdbc:postgresql://127.0.0.1/test");
    }

    /** A 64th of the heap, 1 to 16 MiB, unless the URL says otherwise. */
    @Test
    void h2sPageCacheIsSizedFromTheHeap() {
        String url = "jdbc:h2:file:./data/authbox";
        assertThat(Database.jdbcUrl(url, 96L << 20)).endsWith(";CACHE_SIZE=1536");
        assertThat(Database.jdbcUrl(url, 32L << 20)).endsWith(";CACHE_SIZE=1024");
        assertThat(Database.jdbcUrl(url, 8L << 30)).endsWith(";CACHE_SIZE=16384");
        assertThat(Database.jdbcUrl(url + ";cache_size=65536", 96L << 20))
                .isEqualTo(url + ";cache_size=65536;WRITE_DELAY=0");
    }

    private static Settings settings(String url) {
        return Settings.from(Map.of(Setting.DB_URL, url));
    }

    /**
     * The process that gets killed: records sessions one at a time through the group-committing
     * writer, printing each id once {@code record} has returned (the moment a token response would be
     * sent), then waits to be killed.
     */
    public static final class Recorder {
        public static void main(String[] args) throws Exception {
            Database db = Database.open(settings(args[0]));
            TokenIssueStore store = new TokenIssueStore(db.jdbc());
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < ROWS; i++) {
                SessionRecord s = new SessionRecord(RandomTokens.newTimeOrderedId(), null, null, "durability", null,
                        "client_credentials", null, null, now, now + 3600, null, null);
                store.record(s, null);
                System.out.println("recorded " + s.id());
                System.out.flush();
            }
            Thread.sleep(120_000);
        }
    }
}
