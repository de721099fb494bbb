package dev.sage.parse;

import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One round's threads from its two dumps: {@code Thread.print} (platform threads with their CPU time, age, native id
 * and the JVM's deadlock report) and {@code Thread.dump_to_file -format=json} (every thread, virtual ones included).
 * Pure.
 *
 * <p>The JSON's threads are the list. A platform thread found in both keeps the JSON's stack and locks when the JSON
 * tells states and locks (JDK 25 does), so that a virtual thread blocked on a monitor and the platform thread holding
 * it name the lock alike; otherwise (JDK 21) it is the {@code Thread.print} thread. Either way it keeps
 * {@code Thread.print}'s figures (cpu, elapsed, daemon, priority, nid) and ownable synchronizers, and no longer
 * carries a virtual thread: the JSON lists that one.
 */
public final class ThreadDumpMerge {
    private ThreadDumpMerge() {}

    public static ThreadDump merge(ThreadDump plain, ThreadDump json) {
        Map<Long, JvmThread> byNumber = new HashMap<>();
        for (JvmThread t : plain.threads()) {
            if (t.number() >= 0) {
                byNumber.putIfAbsent(t.number(), t);
            }
        }
        boolean rich = json.threads().stream().anyMatch(t -> t.state() != ThreadState.UNKNOWN);
        List<JvmThread> threads = new ArrayList<>(json.threads().size());
        for (JvmThread j : json.threads()) {
            JvmThread p = j.virtual() ? null : byNumber.remove(j.number());
            if (p == null) {
                threads.add(j);
            } else {
                // the JSON lists the virtual thread a carrier carried: it is not counted twice
                threads.add(new JvmThread(p.name(), p.number(), p.daemon(), false, p.priority(),
                        rich && j.state() != ThreadState.UNKNOWN ? j.state() : p.state(), p.stateDetail(), p.cpuMillis(),
                        p.elapsedSeconds(), p.nid(), rich ? j.frames() : p.frames(), rich ? j.locks() : p.locks(),
                        p.ownableSynchronizers(), null));
            }
        }
        // threads Thread.print saw and the JSON did not (started or ended between the two): kept, not lost
        for (JvmThread p : plain.threads()) {
            if (p.number() < 0 || byNumber.get(p.number()) == p) {
                threads.add(p);
            }
        }
        return new ThreadDump(plain.timestamp(), plain.vmBanner(), threads, plain.deadlocks(), plain.truncated());
    }
}
