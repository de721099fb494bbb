package dev.sage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sage under the heap the shipped Deployment gives it (a 512Mi pod, 75 % of it for the heap: -Xmx384m): an input too
 * large for that heap is refused up front with what to do, never an OutOfMemoryError; one that fits is analysed.
 */
class PodHeapTest {
    private static final Map<String, String> POD_HEAP = Map.of("JAVA_TOOL_OPTIONS", "-Xmx384m");

    @Test
    void anInputTooLargeForThePodsHeapIsRefusedUpFrontAndOneThatFitsIsAnalysed(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.txt");
        Path fits = dir.resolve("fits.txt");
        write(big, 80 << 20);
        write(fits, 20 << 20);

        SageProcess.Run refused = SageProcess.run(POD_HEAP, null, "analyze", big.toString());
        assertThat(refused.exit()).as(refused.err()).isEqualTo(3);
        assertThat(refused.err()).contains("big.txt").contains("more than the").contains("Sage can read with its heap of 384 MiB")
                .contains("-Xmx").doesNotContain("OutOfMemoryError").doesNotContain("\tat ");

        SageProcess.Run analysed = SageProcess.run(POD_HEAP, null, "analyze", fits.toString());
        assertThat(analysed.exit()).as(analysed.err()).isZero();
        assertThat(analysed.out()).contains("threads");

        SageProcess.Run piped = SageProcess.run(POD_HEAP, Files.readAllBytes(big), "analyze", "-");
        assertThat(piped.exit()).as(piped.err()).isEqualTo(3);
        assertThat(piped.err()).contains("<stdin>").contains("is more than the").doesNotContain("OutOfMemoryError");
    }

    /** Thread dumps one after another, about {@code size} bytes in all: a long series of a busy JVM. */
    static void write(Path file, long size) throws Exception {
        StringBuilder one = new StringBuilder("2026-01-01 10:00:00\nFull thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n\n");
        for (int i = 0; i < 2000; i++) {
            one.append("\"worker-").append(i).append("\" #").append(i + 10).append(" prio=5 os_prio=0 tid=0x00007f00000")
                    .append(String.format("%05x", i)).append(" nid=0x").append(Integer.toHexString(i + 100))
                    .append(" waiting on condition  [0x0]\n   java.lang.Thread.State: WAITING (parking)\n")
                    .append("\tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)\n")
                    .append("\tat java.util.concurrent.ThreadPoolExecutor.getTask(java.base@17/ThreadPoolExecutor.java:1062)\n\n");
        }
        one.append("JNI global refs: 1, weak refs: 0\n\n");
        byte[] dump = one.toString().getBytes(StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += dump.length) {
                out.write(dump);
            }
        }
    }
}
