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

    /** Bearer values: their lookup keys sort by issue time, hide the random part, and never meet a legacy value's key. */
    @Test
    void bearerLookupKeysKeepTheTimeAndHashTheSecret() throws InterruptedException {
        String first = RandomTokens.newBearer();
        Thread.sleep(2);
        String second = RandomTokens.newBearer();
        assertThat(first).matches("[0-9a-f]{12}[A-Za-z0-9_-]{43}");
        String key = RandomTokens.lookupKey(first);
        assertThat(key).hasSize(55).startsWith(first.substring(0, 12))
                .isEqualTo(first.substring(0, 12) + RandomTokens.sha256(first.substring(12)))
                .doesNotContain(first.substring(12));
        assertThat(List.of(key, RandomTokens.lookupKey(second))).isSorted();
        assertThat(RandomTokens.lookupKey(first)).as("the same value, the same key").isEqualTo(key);

        String legacy = RandomTokens.newToken();
        assertThat(RandomTokens.lookupKey(legacy)).as("values issued before time prefixes")
                .isEqualTo(RandomTokens.sha256(legacy)).hasSize(43);
        String notHex = "0123456789aG" + first.substring(12);
        assertThat(RandomTokens.lookupKey(notHex)).as("a 55-character value without a hex prefix")
                .isEqualTo(RandomTokens.sha256(notHex));
        String upper = first.substring(0, 11).toUpperCase() + "F" + first.substring(12);
        assertThat(RandomTokens.lookupKey(upper)).hasSize(43);
    }
}
