package dev.sage.collect;

import dev.sage.parse.Kind;

/**
 * One diagnostic command of a collection plan.
 *
 * @param command the jcmd command line, e.g. {@code Thread.print -l}; only Sage's own fixed commands
 * @param kind what its answer is
 */
public record JcmdCommand(String command, Kind kind) {
    /** Stacks, states, monitors and deadlocks (java.util.concurrent deadlocks included): well under 1 ms at a safepoint. */
    public static final JcmdCommand THREAD_PRINT = new JcmdCommand("Thread.print", Kind.THREAD_DUMP);
    /**
     * Adds each thread's "Locked ownable synchronizers", which names who holds a ReentrantLock: HotSpot walks the heap
     * at a safepoint to find them (about 0.5 s at 2.2 GB live), so Sage takes it only when threads wait on such a lock.
     */
    public static final JcmdCommand THREAD_PRINT_LOCKS = new JcmdCommand("Thread.print -l", Kind.THREAD_DUMP);
    public static final JcmdCommand HEAP_INFO = new JcmdCommand("GC.heap_info", Kind.HEAP_INFO);
    /** Walks the heap at a safepoint, counting unreachable objects too; forces no GC. */
    public static final JcmdCommand HISTOGRAM_ALL = new JcmdCommand("GC.class_histogram -all", Kind.CLASS_HISTOGRAM);
    /** Forces a full, stop-the-world GC before counting: only when the user asks for it. */
    public static final JcmdCommand HISTOGRAM_LIVE = new JcmdCommand("GC.class_histogram", Kind.CLASS_HISTOGRAM);
    public static final JcmdCommand NATIVE_MEMORY = new JcmdCommand("VM.native_memory summary", Kind.NATIVE_MEMORY);
    public static final JcmdCommand VM_VERSION = new JcmdCommand("VM.version", Kind.VM_VERSION);
    public static final JcmdCommand VM_FLAGS = new JcmdCommand("VM.flags", Kind.VM_FLAGS);
    /** The finalizer's queue by class, read from the queue itself (no heap walk); JDK 9+. */
    public static final JcmdCommand FINALIZER_INFO = new JcmdCommand("GC.finalizer_info", Kind.FINALIZER_INFO);
    public static final JcmdCommand VM_UPTIME = new JcmdCommand("VM.uptime", Kind.VM_UPTIME);

    /** The command's name without its options: {@code Thread.print}. */
    public String name() {
        int sp = command.indexOf(' ');
        return sp < 0 ? command : command.substring(0, sp);
    }
}
