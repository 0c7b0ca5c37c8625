package dev.authbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeHeapTrimmerTest {
    private static final int BLOCK = 64 * 1024; // below glibc's mmap threshold: served from an arena
    private static final int BLOCKS = 512;

    @Test
    void givesFreedArenaMemoryBackToTheSystem() throws IOException {
        assumeTrue(Platform.isLinux() && Files.exists(Path.of("/proc/self/status")), "glibc on Linux");
        Optional<NativeHeapTrimmer> trimmer = NativeHeapTrimmer.load();
        assertThat(trimmer).as("malloc_trim through JNA on Linux").isPresent();

        List<Memory> blocks = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            Memory block = new Memory(BLOCK);
            block.setMemory(0, BLOCK, (byte) 1); // resident only once written
            blocks.add(block);
        }
        // A block allocated after the others and kept: the freed ones are not at the top of the arena,
        // where free() alone would give them back.
        Memory fence = new Memory(BLOCK);
        fence.setMemory(0, BLOCK, (byte) 1);
        blocks.forEach(Memory::close);
        long freedButKept = residentKib();

        trimmer.get().trim();

        long released = freedButKept - residentKib();
        assertThat(released).as("KiB released of %d KiB freed", BLOCKS * BLOCK / 1024).isGreaterThan(BLOCKS * BLOCK / 1024 / 2);
        fence.close();
    }

    private static long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }
}
