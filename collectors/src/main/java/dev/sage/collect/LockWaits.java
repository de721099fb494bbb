package dev.sage.collect;

import dev.sage.parse.CaptureFormatException;
import dev.sage.parse.ThreadDumpParser;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.ThreadDump;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a plain {@code Thread.print} calls for {@code Thread.print -l}: a dump without {@code -l} shows what each
 * thread waits on but not who holds a java.util.concurrent lock. Pure.
 */
final class LockWaits {
    /** Threads waiting on one lock before its holder is worth a heap walk. */
    static final int WAITERS = 3;

    private LockWaits() {}

    /** True when {@link #WAITERS} or more threads are parked on one ReentrantLock or ReentrantReadWriteLock. */
    static boolean wantOwners(String plainDump) {
        if (!plainDump.contains("java.util.concurrent.locks.Reentrant")) {
            return false; // the common case, decided without parsing
        }
        ThreadDump dump;
        try {
            dump = ThreadDumpParser.parse(plainDump, 0, plainDump.length());
        } catch (CaptureFormatException e) {
            return false; // the reader will say what is wrong with it
        }
        Map<String, Integer> waiters = new HashMap<>();
        for (JvmThread t : dump.threads()) {
            Optional<LockRef> lock = t.parkedOn();
            if (lock.isPresent() && lock.get().className().startsWith("java.util.concurrent.locks.Reentrant")
                    && waiters.merge(lock.get().id(), 1, Integer::sum) >= WAITERS) {
                return true;
            }
        }
        return false;
    }
}
