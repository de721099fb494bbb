package dev.sage.parse;

import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockAction;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ThreadDump;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per format quirk met in real dumps. */
class ParserQuirksTest {

    private static JvmThread only(String stanza) {
        ThreadDump d = ThreadDumpParser.parse("Full thread dump OpenJDK 64-Bit Server VM (17.0.2+8 mixed mode):\n\n" + stanza
                + "\nJNI global refs: 1, weak refs: 0\n");
        assertThat(d.threads()).hasSize(1);
        return d.threads().get(0);
    }

    @Test
    void waitingOnNoObjectReferenceNamesNoLock() {
        JvmThread t = only("\"AWT-EventQueue-0\" #20 prio=6 os_prio=0 tid=0x1 nid=0x2 in Object.wait() [0x3]\n"
                + "   java.lang.Thread.State: WAITING (on object monitor)\n"
                + "\tat java.lang.Object.wait(java.base@17.0.2/Native Method)\n"
                + "\t- waiting on <no object reference available>\n"
                + "\tat java.awt.EventQueue.getNextEvent(java.desktop@17.0.2/EventQueue.java:566)\n"
                + "\t- eliminated <owner is scalar replaced> (a java.lang.Object)\n");
        assertThat(t.locks()).isEmpty();
        assertThat(t.state()).isEqualTo(dev.sage.snapshot.ThreadState.WAITING);
    }

    @Test
    void waitingForAClassInitialiserNamesTheClass() {
        JvmThread t = only("\"Worker-3\" #40 prio=5 os_prio=0 tid=0x1 nid=0x2 in Object.wait() [0x3]\n"
                + "   java.lang.Thread.State: RUNNABLE\n"
                + "\tat com.example.FormPackage.<clinit>(FormPackage.java:12)\n"
                + "\t- waiting on the Class initialization monitor for com.example.FormPackage\n");
        assertThat(t.locks()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(LockAction.Kind.WAITING_ON_CLASS_INIT);
            assertThat(a.lock().className()).isEqualTo("com.example.FormPackage");
        });
    }

    @Test
    void cpuAndElapsedWithADecimalComma() {
        JvmThread t = only("\"main\" #1 [755] prio=5 os_prio=0 cpu=2680,94ms elapsed=46236,64s tid=0x1 nid=755 runnable [0x3]\n"
                + "   java.lang.Thread.State: RUNNABLE\n");
        assertThat(t.cpuMillis()).isEqualTo(2680.94, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(t.elapsedSeconds()).isEqualTo(46236.64, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void aMonitorReleasedByWaitIsNotHeld() {
        JvmThread t = only("\"waiter\" #25 daemon prio=5 os_prio=0 tid=0x1 nid=0x2 in Object.wait() [0x3]\n"
                + "   java.lang.Thread.State: WAITING (on object monitor)\n"
                + "\tat java.lang.Object.wait(java.base@17.0.2/Native Method)\n"
                + "\t- waiting on <0x00000000ffd80000> (a java.lang.Object)\n"
                + "\tat java.lang.Object.wait(java.base@17.0.2/Object.java:338)\n"
                + "\tat Target.lambda$main$6(Target.java:38)\n"
                + "\t- locked <0x00000000ffd80000> (a java.lang.Object)\n"
                + "\t- locked <0x00000000ffd90000> (a java.lang.String)\n");
        assertThat(t.heldMonitors()).extracting(l -> l.id()).containsExactly("0x00000000ffd90000");
        assertThat(t.waitingOn()).map(l -> l.id()).contains("0x00000000ffd80000");
    }

    @Test
    void threadsAfterTheJniLineAreAnotherDump() {
        String two = "Full thread dump OpenJDK 64-Bit Server VM (17.0.2+8 mixed mode):\n\n"
                + "\"main\" #1 prio=5 os_prio=0 tid=0x1 nid=0x2 runnable [0x3]\n   java.lang.Thread.State: RUNNABLE\n\n"
                + "JNI global refs: 1, weak refs: 0\n\n"
                + "\"main\" #1 prio=5 os_prio=0 tid=0x9 nid=0x8 runnable [0x3]\n   java.lang.Thread.State: RUNNABLE\n\n"
                + "JNI global refs: 2, weak refs: 0\n";
        assertThat(ContentDetector.sections(two)).extracting(Section::kind).containsExactly(Kind.THREAD_DUMP, Kind.THREAD_DUMP);
    }

    @Test
    void twoNativeMemoryAnswersInARowAreTwoCaptures() {
        String one = "Native Memory Tracking:\n\nTotal: reserved=100KB, committed=50KB\n\n"
                + "-                 Java Heap (reserved=60KB, committed=30KB)\n";
        List<Section> sections = ContentDetector.sections(one + one.replace("50KB", "70KB"));
        assertThat(sections).extracting(Section::kind).containsExactly(Kind.NATIVE_MEMORY, Kind.NATIVE_MEMORY);
        SnapshotReader reader = new SnapshotReader("x");
        reader.add("x", one + one.replace("committed=50KB", "committed=70KB"));
        NativeMemory.Summary last = (NativeMemory.Summary) reader.snapshot().nativeMemory();
        assertThat(last.total().committedBytes()).isEqualTo(70 * 1024);
        assertThat(last.categories()).hasSize(1);
    }

    @Test
    void aDumpToFileTextNamesItsRuntime() {
        SnapshotReader reader = new SnapshotReader("x");
        reader.add("x", "64933\n2025-04-22T07:47:09.198298561Z\n24+36\n\n#3 \"main\"\n      java.base/java.lang.Thread.run(Thread.java:1447)\n");
        assertThat(reader.snapshot().jvm().featureVersion()).isEqualTo(24);
        assertThat(reader.snapshot().lastThreadDump().timestamp()).isEqualTo("2025-04-22T07:47:09.198298561Z");
    }

    @Test
    void aFramesMethodLeavesOutTheModuleButNotAHiddenClassName() {
        assertThat(new dev.sage.snapshot.StackFrame("java.base/java.lang.Thread.run(Thread.java:1447)").method())
                .isEqualTo("java.lang.Thread.run");
        assertThat(new dev.sage.snapshot.StackFrame("java.lang.Thread.run(java.base@17.0.15/Thread.java:833)").method())
                .isEqualTo("java.lang.Thread.run");
        assertThat(new dev.sage.snapshot.StackFrame("Target$$Lambda/0x0000000008041ac8.run(Unknown Source)").method())
                .isEqualTo("Target$$Lambda/0x0000000008041ac8.run");
        assertThat(new dev.sage.snapshot.StackFrame("Target$$Lambda$14/0x0000000800c0b8a8.run(Unknown Source)").className())
                .isEqualTo("Target$$Lambda$14/0x0000000800c0b8a8");
    }
}
