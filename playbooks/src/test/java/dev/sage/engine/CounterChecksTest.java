package dev.sage.engine;

import dev.sage.diagnosis.Finding;
import dev.sage.parse.Kind;
import dev.sage.parse.SnapshotReader;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.snapshot.JvmSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks over the performance counters and the finalizer's queue, on two rounds written out here (the live
 * scenarios of DefaultPlanTest run them on real JVMs): what fires, and what a team playbook reads.
 */
class CounterChecksTest {
    private static String counters(long seconds, long metaspace, long old, long collections, long pauseNanos) {
        return """
                sun.os.hrt.frequency=1000000000
                sun.os.hrt.ticks=%d
                sun.gc.collector.0.name="G1 young collection pauses"
                sun.gc.collector.0.invocations=%d
                sun.gc.collector.0.time=%d
                sun.gc.generation.0.name="young"
                sun.gc.generation.1.name="old"
                sun.gc.generation.1.maxCapacity=1073741824
                sun.gc.generation.1.space.0.capacity=1073741824
                sun.gc.generation.1.space.0.used=%d
                sun.gc.metaspace.used=%d
                """.formatted(seconds * 1_000_000_000L, collections, pauseNanos, old, metaspace);
    }

    private static JvmSnapshot twoRounds(String first, String last, String finalizerInfo) {
        SnapshotReader r = new SnapshotReader("t");
        r.add("round 1: counters", Kind.PERF_COUNTERS, first);
        r.add("round 2: counters", Kind.PERF_COUNTERS, last);
        if (finalizerInfo != null) {
            r.add("round 2: GC.finalizer_info", Kind.FINALIZER_INFO, finalizerInfo);
        }
        return r.snapshot();
    }

    private static Engine.Result run(JvmSnapshot s) {
        return new Engine(PlaybookLoader.builtins().playbooks()).run(s);
    }

    @Test
    void metaspaceGrowingBetweenTheRoundsIsAClassLoaderLeakWithoutAHistogram() {
        JvmSnapshot s = twoRounds(counters(700, 40L << 20, 100L << 20, 10, 0), counters(710, 90L << 20, 100L << 20, 11, 0), null);
        assertThat(run(s).findings()).filteredOn(f -> f.id().equals("classloader-leak")).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsExactly(
                        "metaspace grew by 50.0 MiB in 10 s, from 40.0 MiB to 90.0 MiB (sun.gc.metaspace.used)"));
        JvmSnapshot steady = twoRounds(counters(700, 40L << 20, 100L << 20, 10, 0), counters(710, 41L << 20, 100L << 20, 11, 0), null);
        assertThat(run(steady).findings()).extracting(Finding::id).doesNotContain("classloader-leak");
        JvmSnapshot starting = twoRounds(counters(20, 40L << 20, 100L << 20, 10, 0), counters(30, 90L << 20, 100L << 20, 11, 0), null);
        assertThat(run(starting).findings()).as("a JVM starting up loads classes by the thousand")
                .extracting(Finding::id).doesNotContain("classloader-leak");
    }

    @Test
    void aHeapFullAfterCollectionsWithPausesEatingTheTimeIsPressure() {
        // 950 MiB of 1 GiB old after the last collection; 4 s of pauses in 10 s
        JvmSnapshot s = twoRounds(counters(100, 40L << 20, 900L << 20, 100, 10_000_000_000L),
                counters(110, 40L << 20, 950L << 20, 400, 14_000_000_000L), null);
        assertThat(run(s).findings()).filteredOn(f -> f.id().equals("heap-pressure")).singleElement().satisfies(f -> {
            assertThat(f.title()).isEqualTo("Heap pressure: 93% of the maximum heap is live");
            assertThat(f.evidence()).contains("40% of the last 10 s went to collection pauses: 300 collections, 0 of them full, 4.0 s in all");
        });
        JvmSnapshot roomy = twoRounds(counters(100, 40L << 20, 200L << 20, 100, 0), counters(110, 40L << 20, 210L << 20, 400, 0), null);
        assertThat(run(roomy).findings()).extracting(Finding::id).doesNotContain("heap-pressure");
    }

    @Test
    void theFinalizerQueueIsReadByClassAndATeamPlaybookSeesItsLength() {
        String queue = "Unreachable instances waiting for finalization\n#instances  class name\n-----------------------\n"
                + "    150000  com.example.PooledSocket\n";
        JvmSnapshot s = twoRounds(counters(100, 1, 1, 1, 0), counters(110, 1, 1, 1, 0), queue);
        assertThat(s.finalizerQueue().total()).isEqualTo(150_000);
        assertThat(dev.sage.playbook.FactModel.of(s)).containsEntry("finalizer_queue", 150_000L);
        assertThat(run(s).findings()).filteredOn(f -> f.id().equals("finalizer-backlog")).singleElement()
                .satisfies(f -> assertThat(f.evidence()).contains("150,000 objects wait in the finalizer's queue: com.example.PooledSocket x150,000"));
    }
}
