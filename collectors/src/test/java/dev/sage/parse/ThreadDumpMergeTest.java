package dev.sage.parse;

import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.ThreadState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadDumpMergeTest {
    private static final String PLAIN = """
            Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):

            "cache-refresher" #21 [2101] daemon prio=5 os_prio=0 cpu=1.50ms elapsed=12.00s tid=0x00007f nid=2101 waiting on condition  [0x00007f]
               java.lang.Thread.State: TIMED_WAITING (sleeping)
            \tat java.lang.Thread.sleepNanos0(java.base@25.0.3/Native Method)
            \tat dev.example.Refresher.run(Refresher.java:10)
            \t- locked <0x00000007ffe00000> (a java.lang.Object)

            "gone-before-json" #30 [2200] prio=5 os_prio=0 cpu=0.10ms elapsed=1.00s tid=0x00007f nid=2200 waiting on condition  [0x00007f]
               java.lang.Thread.State: WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@25.0.3/Native Method)

            JNI global refs: 10, weak refs: 0
            """;

    private static final String JSON = """
            {"threadDump": {"processId": "4242", "time": "2026-12-07T04:00:15Z", "runtimeVersion": "25.0.3+9-LTS",
             "threadContainers": [{"container": "<root>", "parent": null, "owner": null, "threads": [
               {"tid": "21", "name": "cache-refresher", "state": "TIMED_WAITING",
                "stack": ["java.base/java.lang.Thread.sleepNanos0(Native Method)", "dev.example.Refresher.run(Refresher.java:10)"],
                "monitorsOwned": [{"depth": 1, "locks": ["java.lang.Object@560e2fbd"]}]},
               {"tid": "1025", "virtual": true, "name": "price-lookup-0", "state": "BLOCKED", "blockedOn": "java.lang.Object@560e2fbd",
                "stack": ["dev.example.Prices.lookup(Prices.java:20)", "java.base/java.lang.VirtualThread.run(VirtualThread.java:460)"]}
             ], "threadCount": "2"}]}}
            """;

    @Test
    void virtualThreadsJoinTheRoundsDumpAndNameTheirLocksAsTheirHoldersDo() {
        SnapshotReader reader = new SnapshotReader("t");
        reader.add("round 1: Thread.print", Kind.THREAD_DUMP, PLAIN);
        reader.addThreadsJson("round 1: Thread.dump_to_file -format=json", JSON, true);
        JvmSnapshot s = reader.snapshot();
        assertThat(s.threadDumps()).as("one round, one dump").hasSize(1);
        assertThat(s.lastThreadDump().threads()).extracting(JvmThread::name)
                .containsExactly("cache-refresher", "price-lookup-0", "gone-before-json");
        JvmThread holder = s.lastThreadDump().threads().get(0);
        JvmThread waiter = s.lastThreadDump().threads().get(1);
        assertThat(holder.cpuMillis()).as("Thread.print's figures stay").isEqualTo(1.5);
        assertThat(holder.daemon()).isTrue();
        assertThat(holder.heldMonitors()).singleElement().satisfies(l -> assertThat(l.id()).isEqualTo("560e2fbd"));
        assertThat(waiter.virtual()).isTrue();
        assertThat(waiter.state()).isEqualTo(ThreadState.BLOCKED);
        assertThat(waiter.waitingToLock()).hasValueSatisfying(l -> assertThat(l.id()).isEqualTo("560e2fbd"));
        assertThat(reader.raw()).extracting(SnapshotReader.Raw::kind).containsExactly(Kind.THREAD_DUMP, Kind.THREAD_DUMP_JSON);
    }

    @Test
    void aRoundWhoseThreadPrintFailedGetsTheJsonAsItsOwnDumpNotMergedIntoTheRoundBefore() {
        SnapshotReader reader = new SnapshotReader("t");
        reader.add("round 1: Thread.print", Kind.THREAD_DUMP, PLAIN);
        reader.addThreadsJson("round 2: Thread.dump_to_file -format=json", JSON, false);
        assertThat(reader.snapshot().threadDumps()).hasSize(2);
        assertThat(reader.snapshot().threadDumps().get(0).threads()).hasSize(2);
        assertThat(reader.snapshot().lastThreadDump().threads()).extracting(JvmThread::name)
                .containsExactly("cache-refresher", "price-lookup-0");
    }

    @Test
    void aBrokenJsonDumpIsAProblemAndThePlainDumpStays() {
        SnapshotReader reader = new SnapshotReader("t");
        reader.add("round 1: Thread.print", Kind.THREAD_DUMP, PLAIN);
        reader.addThreadsJson("round 1: Thread.dump_to_file -format=json", "{\"threadDump\": {\"threadContainers\": [", true);
        assertThat(reader.snapshot().lastThreadDump().threads()).hasSize(2);
        assertThat(reader.snapshot().problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("could not read this thread dump (Thread.dump_to_file JSON)"));
    }
}
