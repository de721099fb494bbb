package dev.sage.snapshot;

import java.util.List;

/**
 * A virtual thread mounted on a carrier at dump time ({@code Carrying virtual thread #206} in a platform
 * thread dump, JDK 21+). Unmounted virtual threads are not in {@code Thread.print}; only
 * {@code Thread.dump_to_file} lists them.
 *
 * @param id the virtual thread's id
 * @param frames its stack, innermost first
 */
public record VirtualThread(long id, List<StackFrame> frames) {
    public VirtualThread {
        frames = List.copyOf(frames);
    }
}
