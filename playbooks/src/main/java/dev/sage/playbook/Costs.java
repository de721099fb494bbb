package dev.sage.playbook;

import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.JvmSnapshot;

import java.util.Map;

/**
 * What a team playbook's expressions cost on a large JVM, for {@code sage playbooks validate} and {@code test}: they
 * run over a generated two-dump snapshot of {@value #THREADS} threads (pool workers, parked and blocked threads,
 * timers, servers), metered as in a diagnosis, so that an author learns that a playbook is too costly before it is
 * deployed and stopped in production. Thread-safe.
 */
public final class Costs {
    /** Threads in the generated snapshot: as many as the largest dumps of the corpus. */
    static final int THREADS = 5_000;

    private Costs() {}

    /**
     * @param steps evaluation steps taken
     * @param millis wall time
     * @param overBudget why the evaluation was stopped, or null when it finished within the budget
     */
    public record Cost(long steps, long millis, String overBudget) {}

    private static final class Holder {
        static final JvmSnapshot LARGE = large();
        static final Map<String, Object> FACTS = FactModel.of(LARGE);
    }

    /** The cost of {@code p}'s expressions on the large snapshot; zero for a playbook without expressions. */
    public static Cost of(Playbook p, Expressions.Budget budget) {
        if (p.expr().isEmpty()) {
            return new Cost(0, 0, null);
        }
        Map<String, Object> facts = Holder.FACTS; // built once, before the clock starts
        Expressions.Meter meter = new Expressions.Meter(budget);
        long t0 = System.nanoTime();
        String over = null;
        try {
            for (Expressions.Compiled c : p.expr()) {
                Expressions.holds(c, facts, meter);
            }
        } catch (Expressions.OverBudget e) {
            over = e.getMessage();
        } catch (IllegalStateException e) {
            // an expression that fails on this snapshot: its cost so far is what counts here
        }
        return new Cost(meter.steps(), (System.nanoTime() - t0) / 1_000_000, over);
    }

    /** Two thread dumps ten seconds apart of a busy service, generated. */
    public static JvmSnapshot large() {
        SnapshotReader r = new SnapshotReader("a generated " + THREADS + "-thread JVM");
        r.add("round 1", dump(THREADS, "2026-01-01 10:00:00"));
        r.add("round 2", dump(THREADS, "2026-01-01 10:00:10"));
        return r.snapshot();
    }

    private static String dump(int threads, String time) {
        StringBuilder out = new StringBuilder(threads * 400);
        out.append(time).append("\nFull thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):\n\n");
        for (int i = 0; i < threads; i++) {
            String name;
            String state;
            String frames;
            switch (i % 5) {
                case 0 -> {
                    name = "pool-" + (i / 5) + "-thread-1";
                    state = "WAITING (parking)";
                    frames = "\tat jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)\n"
                            + "\tat java.util.concurrent.locks.LockSupport.park(java.base@17.0.15/LockSupport.java:341)\n"
                            + "\tat java.util.concurrent.ThreadPoolExecutor.getTask(java.base@17.0.15/ThreadPoolExecutor.java:1062)\n";
                }
                case 1 -> {
                    name = "http-nio-8080-exec-" + i;
                    state = "BLOCKED (on object monitor)";
                    frames = "\tat com.example.SessionRegistry.touch(App.java:153)\n"
                            + "\t- waiting to lock <0x00000000d3d18a98> (a com.example.SessionRegistry)\n";
                }
                case 2 -> {
                    name = "Timer-" + i;
                    state = "TIMED_WAITING (on object monitor)";
                    frames = "\tat java.lang.Object.wait(java.base@17.0.15/Native Method)\n"
                            + "\tat java.util.TimerThread.mainLoop(java.base@17.0.15/Timer.java:563)\n";
                }
                case 3 -> {
                    name = "worker-" + i;
                    state = "RUNNABLE";
                    frames = "\tat sun.nio.ch.SocketDispatcher.read0(java.base@17.0.15/Native Method)\n"
                            + "\tat com.example.Client.call(App.java:88)\n";
                }
                default -> {
                    name = "scheduler-" + i;
                    state = "TIMED_WAITING (parking)";
                    frames = "\tat jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)\n"
                            + "\tat java.util.concurrent.locks.LockSupport.parkNanos(java.base@17.0.15/LockSupport.java:252)\n";
                }
            }
            out.append('"').append(name).append("\" #").append(i + 20).append(" daemon prio=5 os_prio=0 cpu=0.27ms elapsed=16.78s tid=0x")
                    .append(String.format("%016x", 0x7f50fc000000L + i * 0x1000L)).append(" nid=0x").append(Integer.toHexString(1000 + i))
                    .append(" waiting on condition  [0x00007f50d46bc000]\n")
                    .append("   java.lang.Thread.State: ").append(state).append('\n')
                    .append(frames)
                    .append("\tat java.lang.Thread.run(java.base@17.0.15/Thread.java:840)\n\n");
        }
        out.append("JNI global refs: 20, weak refs: 0\n\n");
        return out.toString();
    }
}
