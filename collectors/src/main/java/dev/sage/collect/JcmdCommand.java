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

    /**
     * An action, never part of a diagnosis: gives freed malloc memory back to the OS (glibc only; JDK 17.0.9+, 21+).
     * Takes no safepoint.
     */
    public static final JcmdCommand TRIM_NATIVE_HEAP = new JcmdCommand("System.trim_native_heap", Kind.ACTION);
    /** An action, never part of a diagnosis: a full, stop-the-world GC. */
    public static final JcmdCommand GC_RUN = new JcmdCommand("GC.run", Kind.ACTION);

    /**
     * An action, never part of a diagnosis: writes the live heap to {@code file} on the target's filesystem (a full GC,
     * then the heap written at a safepoint). The path must be absolute and plain: letters, digits, {@code / _ . -}.
     */
    public static JcmdCommand heapDump(String file) {
        if (!file.matches("/[A-Za-z0-9/_.-]{1,250}") || file.contains("..") || file.endsWith("/")) {
            throw new IllegalArgumentException("a heap dump path must be an absolute file path of letters, digits and"
                    + " / _ . - only, not " + file);
        }
        return new JcmdCommand("GC.heap_dump " + file, Kind.ACTION);
    }

    /** The command's name without its options: {@code Thread.print}. */
    public String name() {
        int sp = command.indexOf(' ');
        return sp < 0 ? command : command.substring(0, sp);
    }
}
