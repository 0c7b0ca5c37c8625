package dev.authbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomTokensTest {
    /** Session ids sort by creation time (so inserts append to the primary key) and stay unguessable. */
    @Test
    void timeOrderedIdsSortByCreationAndDoNotRepeat() throws InterruptedException {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(RandomTokens.newTimeOrderedId());
            Thread.sleep(2);
        }
        assertThat(made).isSorted();
        assertThat(made).allSatisfy(id -> assertThat(id).matches("[0-9a-f]{12}[A-Za-z0-9_-]{16}"));
        var many = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            many.add(RandomTokens.newTimeOrderedId());
        }
        assertThat(many).as("96 random bits per id, even within one millisecond").hasSize(10_000);
    }
}
