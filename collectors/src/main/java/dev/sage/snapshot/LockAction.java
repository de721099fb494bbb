package dev.sage.snapshot;

/**
 * A lock line under a stack frame: {@code - locked <0x...> (a java.lang.Object)} and its kin.
 *
 * @param kind what the thread does with the lock
 * @param lock the lock
 * @param frameIndex index in {@link JvmThread#frames()} of the frame the line follows
 */
public record LockAction(Kind kind, LockRef lock, int frameIndex) {

    public enum Kind {
        /** {@code - locked}: the thread holds this monitor. */
        LOCKED,
        /** {@code - waiting to lock}: BLOCKED entering this monitor. */
        WAITING_TO_LOCK,
        /** {@code - waiting on}: in {@code Object.wait()} on this monitor (released while waiting). */
        WAITING_ON,
        /** {@code - waiting to re-lock in wait()}: woken, re-acquiring the monitor. */
        WAITING_TO_RELOCK,
        /** {@code - waiting on the Class initialization monitor for X}: another thread runs X's static initialiser. */
        WAITING_ON_CLASS_INIT,
        /** {@code - parking to wait for}: parked on a j.u.c. synchronizer. */
        PARKED_ON,
        /** {@code - eliminated}: a lock the JIT removed (scalar replaced). */
        ELIMINATED
    }
}
