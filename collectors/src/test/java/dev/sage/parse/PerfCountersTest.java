package dev.sage.parse;

import dev.sage.snapshot.PerfCounters;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerfCountersTest {
    /** This test's own JVM keeps its counters where every HotSpot JVM does (unless run with -XX:-UsePerfData). */
    private static byte[] ownPerfData() throws Exception {
        long pid = ProcessHandle.current().pid();
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
        return Files.readAllBytes(file);
    }

    @Test
    void aLiveJvmsPerformanceDataReadsAsItsCollectorsGenerationsAndClock() throws Exception {
        System.gc(); // at least one collection on record
        PerfCounters c = PerfCounterParser.parse(PerfDataDecoder.toText(ownPerfData()));
        assertThat(c.seconds()).isPositive();
        assertThat(c.collections()).isNotEmpty();
        assertThat(c.invocations()).isPositive();
        assertThat(c.fullInvocations()).as("System.gc() is a full collection").isPositive();
        assertThat(c.oldGeneration()).hasValueSatisfying(old -> {
            assertThat(old.usedBytes()).isPositive();
            assertThat(old.maxCapacityBytes()).isGreaterThanOrEqualTo(old.capacityBytes());
        });
        assertThat(c.values().keySet()).as("properties and the command line are never kept")
                .noneMatch(k -> k.startsWith("java.property.") || k.startsWith("sun.rt.javaCommand") || k.startsWith("java.rt.vmArgs"));
    }

    @Test
    void jcmdsPerfCounterPrintReadsTheSameAndItsPropertiesAreNotAttached() {
        String text = """
                4242:
                java.property.java.class.path="/app/secret-token=abc"
                sun.rt.javaCommand="com.example.Main --password hunter2"
                sun.gc.collector.0.invocations=12
                sun.gc.collector.0.name="G1 young collection pauses"
                sun.gc.collector.0.time=250000000
                sun.gc.collector.1.invocations=1
                sun.gc.collector.1.name="G1 full collection pauses"
                sun.gc.collector.1.time=500000000
                sun.gc.generation.0.name="young"
                sun.gc.generation.1.name="old"
                sun.gc.generation.1.maxCapacity=1073741824
                sun.gc.generation.1.space.0.capacity=536870912
                sun.gc.generation.1.space.0.used=268435456
                sun.os.hrt.frequency=1000000000
                sun.os.hrt.ticks=60000000000
                """;
        assertThat(ContentDetector.detect(text)).isEqualTo(Kind.PERF_COUNTERS);
        PerfCounters c = PerfCounterParser.parse(text);
        assertThat(c.seconds()).isEqualTo(60.0);
        assertThat(c.gcSeconds()).isEqualTo(0.75);
        assertThat(c.invocations()).isEqualTo(13);
        assertThat(c.fullInvocations()).isEqualTo(1);
        assertThat(c.oldGeneration()).contains(new PerfCounters.Space(256L << 20, 512L << 20, 1L << 30));
        assertThat(PerfCounterParser.publicPart(text)).doesNotContain("hunter2", "secret-token").contains("sun.gc.collector.0.time=");

        SnapshotReader reader = new SnapshotReader("t");
        reader.add("round 1: counters", Kind.PERF_COUNTERS, text);
        assertThat(reader.raw()).singleElement().satisfies(r -> assertThat(r.text()).doesNotContain("hunter2"));
        assertThat(reader.snapshot().perfCounters()).hasSize(1);
    }

    @Test
    void zgcHasNoOldGenerationToJudge() {
        PerfCounters zgc = PerfCounterParser.parse("""
                sun.gc.collector.2.name="Z concurrent cycle pauses"
                sun.gc.generation.1.name="old"
                sun.gc.generation.1.space.0.used=1000
                sun.gc.generation.1.space.0.capacity=2000
                """);
        assertThat(zgc.oldGeneration()).isEmpty();
    }

    @Test
    void damagedPerformanceDataIsRefusedWithAReasonNeverACrash() throws Exception {
        assertThatThrownBy(() -> PerfDataDecoder.toText(new byte[10])).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("empty or cut");
        assertThatThrownBy(() -> PerfDataDecoder.toText("not perf data at all, just some text here".getBytes()))
                .isInstanceOf(CaptureFormatException.class).hasMessageContaining("magic");
        byte[] real = ownPerfData();
        // an entry offset near Integer.MAX_VALUE must not overflow into an index exception
        byte[] hostile = real.clone();
        java.nio.ByteBuffer.wrap(hostile).order(hostile[4] == 0 ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(24, Integer.MAX_VALUE - 4);
        try {
            PerfDataDecoder.toText(hostile);
        } catch (CaptureFormatException expected) {
            assertThat(expected.reason()).isNotBlank();
        }
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] cut = Arrays.copyOf(real, 32 + random.nextInt(real.length - 32));
            if (i % 2 == 0) {
                cut[random.nextInt(cut.length)] = (byte) random.nextInt(); // the prologue too
            }
            try {
                PerfDataDecoder.toText(cut);
            } catch (CaptureFormatException expected) {
                assertThat(expected.reason()).isNotBlank();
            }
        }
    }
}
