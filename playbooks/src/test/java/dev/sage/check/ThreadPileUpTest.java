package dev.sage.check;

import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Thresholds judged on real behaviour: a big pool is not a leak; a pool per call is. */
class ThreadPileUpTest {
    private final Check check = BuiltinChecks.named("thread_pile_up");
    private final Params defaults = new Params(Map.of("min_per_call", 30L, "min_per_object", 100L, "min_growth", 20L));

    @Test
    void twoHundredIdleTomcatWorkersAreOnePoolNotALeak() {
        List<JvmThread> threads = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            threads.add(thread("http-nio-8080-exec-" + i));
        }
        assertThat(check.evaluate(snapshot(threads), defaults)).isEmpty();
    }

    @Test
    void aPoolPerCallIsALeak() {
        List<JvmThread> threads = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            threads.add(thread("pool-" + i + "-thread-1"));
        }
        assertThat(check.evaluate(snapshot(threads), defaults)).hasValueSatisfying(m ->
                assertThat(m.figures()).containsEntry("family", "pool-*-thread-1").containsEntry("count", 40));
    }

    private static JvmSnapshot snapshot(List<JvmThread> threads) {
        ThreadDump dump = new ThreadDump("", "", threads, List.of(), false);
        return new JvmSnapshot("t", -1, null, null, List.of(dump), List.of(), List.of(), null, null, null, null, null, null, null, List.of());
    }

    private static JvmThread thread(String name) {
        return new JvmThread(name, -1, true, false, 5, ThreadState.WAITING, "parking", null, null, -1, List.of(), List.of(),
                List.of(), null);
    }
}
