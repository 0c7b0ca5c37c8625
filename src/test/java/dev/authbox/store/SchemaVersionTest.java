package dev.authbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Restarts skip Flyway when the schema is at SCHEMA_VERSION: that constant must name the newest migration. */
class SchemaVersionTest {
    @Test
    void schemaVersionIsTheNewestMigration() throws IOException {
        Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest = 0;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (m.matches()) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
        }
        for (var migration : Database.JAVA_MIGRATIONS) {
            newest = Math.max(newest, Integer.parseInt(migration.getVersion().getVersion()));
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(newest);
    }
}
