package dev.sage.snapshot;

import java.util.List;

/**
 * One cycle of the JVM's own deadlock report ({@code Found one Java-level deadlock:}).
 *
 * @param links each thread of the cycle, the lock it waits for and the thread holding that lock
 */
public record Deadlock(List<Link> links) {
    public Deadlock {
        links = List.copyOf(links);
    }

    /** The names of the threads in the cycle, in report order. */
    public List<String> threadNames() {
        return links.stream().map(Link::thread).toList();
    }

    /**
     * @param thread the waiting thread
     * @param lock the lock it waits for
     * @param ownable true for a j.u.c. ownable synchronizer (e.g. ReentrantLock), false for a monitor
     * @param heldBy the thread holding the lock
     */
    public record Link(String thread, LockRef lock, boolean ownable, String heldBy) {}
}
