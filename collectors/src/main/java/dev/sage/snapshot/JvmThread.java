package dev.sage.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One thread of a thread dump.
 *
 * @param name the thread name, without quotes
 * @param number the Java thread number ({@code #21}), or -1 when not printed
 * @param daemon whether the header says {@code daemon}
 * @param virtual whether this is a virtual thread ({@code Thread.dump_to_file} lists them)
 * @param priority the Java priority ({@code prio=5}), or -1 when not printed
 * @param state the {@code java.lang.Thread.State}, inferred from the header in formats that print none
 * @param stateDetail the words after the state, e.g. {@code sleeping} or {@code on object monitor}; may be empty
 * @param cpuMillis {@code cpu=} in milliseconds, or null when not printed (JDK 11+ prints it)
 * @param elapsedSeconds {@code elapsed=} in seconds, or null when not printed
 * @param nid the native (OS) thread id ({@code nid=0x9ac} or {@code nid=2483}), or -1 when not printed
 * @param frames the stack, innermost first; may be shared with other threads of the same dump
 * @param locks the lock lines under the frames, in order
 * @param ownableSynchronizers the {@code Locked ownable synchronizers} ({@code -l}), e.g. ReentrantLock syncs
 * @param carried the mounted virtual thread when this is a carrier, else null
 */
public record JvmThread(
        String name,
        long number,
        boolean daemon,
        boolean virtual,
        int priority,
        ThreadState state,
        String stateDetail,
        Double cpuMillis,
        Double elapsedSeconds,
        long nid,
        List<StackFrame> frames,
        List<LockAction> locks,
        List<LockRef> ownableSynchronizers,
        VirtualThread carried) {

    public JvmThread {
        frames = List.copyOf(frames);
        locks = List.copyOf(locks);
        ownableSynchronizers = List.copyOf(ownableSynchronizers);
        stateDetail = stateDetail == null ? "" : stateDetail;
    }

    /**
     * Monitors this thread holds, outermost last. HotSpot prints {@code - locked} also for the monitor a thread
     * released by calling {@code wait()} on it; that one is not held and is left out.
     */
    public List<LockRef> heldMonitors() {
        List<String> released = new ArrayList<>();
        for (LockAction a : locks) {
            if (a.kind() == LockAction.Kind.WAITING_ON || a.kind() == LockAction.Kind.WAITING_TO_RELOCK) {
                released.add(a.lock().id());
            }
        }
        List<LockRef> held = new ArrayList<>();
        for (LockAction a : locks) {
            if (a.kind() == LockAction.Kind.LOCKED && !released.contains(a.lock().id())) {
                held.add(a.lock());
            }
        }
        return held;
    }

    /** The monitor this thread is BLOCKED on, if any. */
    public Optional<LockRef> waitingToLock() {
        return first(LockAction.Kind.WAITING_TO_LOCK);
    }

    /** The monitor this thread waits on in {@code Object.wait()}, if any. */
    public Optional<LockRef> waitingOn() {
        return first(LockAction.Kind.WAITING_ON);
    }

    /** The synchronizer this thread is parked on, if any. */
    public Optional<LockRef> parkedOn() {
        return first(LockAction.Kind.PARKED_ON);
    }

    /** The innermost frame, if the thread has a Java stack. */
    public Optional<StackFrame> topFrame() {
        return frames.isEmpty() ? Optional.empty() : Optional.of(frames.get(0));
    }

    private Optional<LockRef> first(LockAction.Kind kind) {
        for (LockAction a : locks) {
            if (a.kind() == kind) {
                return Optional.of(a.lock());
            }
        }
        return Optional.empty();
    }
}
