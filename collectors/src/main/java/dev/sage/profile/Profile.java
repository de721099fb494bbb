package dev.sage.profile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one flight recording shows, reduced to its rankings: the few figures a person reads, never the events.
 *
 * @param start when the recording's first event was taken
 * @param window how long it covers
 * @param allocationBytes the allocated bytes the samples stand for (their weights)
 * @param allocationSites where memory is allocated, by the top application frame, most bytes first
 * @param cpuSamples how many execution samples were taken
 * @param cpuSites where CPU goes, by the top frame (the method running), most samples first
 * @param contention monitors entered and threads parked for longer than the recording's threshold (10 ms in the
 *     {@code profile} settings), by class, longest total first
 * @param gc the collections in the window
 * @param threadsStarted threads started in the window
 * @param threadStarters who started them, by the starting thread's top application frame; each site's examples are
 *     the names of threads it started
 * @param allocatedClasses what was allocated, by class, most bytes first, each with its own allocation sites
 * @param allocationFlame the allocation samples' stacks, weighed by bytes, for a flame graph
 * @param cpuFlame the execution samples' stacks, for a flame graph
 * @param started the threads started in the window, each with the site that started it, in order (at most
 *     {@link #STARTED_KEPT}: fewer than {@code threadsStarted} when more were)
 * @param privateEvents the event types in the recording that hold what must not be shared beyond the machine it was
 *     read on ({@link #PRIVATE}), in the order first seen; empty when it holds none of them
 */
public record Profile(Instant start, Duration window, long allocationBytes, List<Site> allocationSites, long cpuSamples,
                      List<Site> cpuSites, List<Site> contention, Gc gc, long threadsStarted, List<Site> threadStarters,
                      List<ClassAllocations> allocatedClasses, Flame allocationFlame, Flame cpuFlame,
                      List<String> privateEvents, List<StartedThread> started) {
    /** How many started threads a profile keeps by name. */
    public static final int STARTED_KEPT = 10_000;

    /**
     * The events that hold the JVM's secrets or its neighbours': environment variables, system properties, the command
     * line and arguments (in the JVM's information, its string flags and its agents' options), security properties,
     * other processes' command lines (running, or started by the JVM), and exception messages. A recording Sage starts
     * leaves them out; one the JVM made itself has them. A list of what to refuse, as of JDK 25: an event a later JDK
     * adds is not on it.
     */
    public static final java.util.Set<String> PRIVATE = java.util.Set.of("jdk.InitialEnvironmentVariable",
            "jdk.InitialSystemProperty", "jdk.JVMInformation", "jdk.SystemProcess", "jdk.StringFlag", "jdk.JavaAgent",
            "jdk.NativeAgent", "jdk.JavaErrorThrow", "jdk.JavaExceptionThrow", "jdk.InitialSecurityProperty",
            "jdk.SecurityPropertyModification", "jdk.ProcessStart");

    public Profile(Instant start, Duration window, long allocationBytes, List<Site> allocationSites, long cpuSamples,
                   List<Site> cpuSites, List<Site> contention, Gc gc, long threadsStarted, List<Site> threadStarters,
                   List<ClassAllocations> allocatedClasses, Flame allocationFlame, Flame cpuFlame) {
        this(start, window, allocationBytes, allocationSites, cpuSamples, cpuSites, contention, gc, threadsStarted,
                threadStarters, allocatedClasses, allocationFlame, cpuFlame, List.of(), List.of());
    }

    public Profile {
        privateEvents = List.copyOf(privateEvents);
        started = List.copyOf(started);
        allocationSites = List.copyOf(allocationSites);
        cpuSites = List.copyOf(cpuSites);
        contention = List.copyOf(contention);
        threadStarters = List.copyOf(threadStarters);
        allocatedClasses = List.copyOf(allocatedClasses);
    }

    /** Whether every thread started in the window is in {@link #started}. */
    public boolean allStartsKept() {
        return started.size() >= threadsStarted;
    }

    /**
     * A thread started in the window.
     *
     * @param name its name when it started
     * @param site where it was started: the starting stack's top application frame
     */
    public record StartedThread(String name, String site) {}

    /**
     * Where instances of {@code className} were allocated in the window, or empty when its samples are not ranked. The
     * name may be the JVM's ({@code [B}) or the readable one ({@code byte[]}).
     */
    public java.util.Optional<ClassAllocations> allocationsOf(String className) {
        String readable = dev.sage.snapshot.ClassHistogram.Row.readable(className);
        return allocatedClasses.stream().filter(c -> c.className().equals(className)
                || dev.sage.snapshot.ClassHistogram.Row.readable(c.className()).equals(readable)).findFirst();
    }

    /**
     * One place in the code, with what it weighs.
     *
     * @param frame {@code com.example.Orders.flush} (class and method)
     * @param weight bytes, samples, nanoseconds or threads, as the ranking counts
     * @param count how many events fell here
     * @param stack a representative stack, top first, a few frames
     * @param examples a few names of what fell here (the threads a starter started), first seen first
     */
    public record Site(String frame, long weight, long count, List<String> stack, List<String> examples) {
        public Site {
            stack = List.copyOf(stack);
            examples = List.copyOf(examples);
        }

        public Site(String frame, long weight, long count, List<String> stack) {
            this(frame, weight, count, stack, List.of());
        }
    }

    /**
     * One class's allocations in the window.
     *
     * @param bytes the sampled bytes they stand for
     * @param sites where they were allocated, by top application frame, most bytes first (a few)
     */
    public record ClassAllocations(String className, long bytes, List<Site> sites) {
        public ClassAllocations {
            sites = List.copyOf(sites);
        }
    }

    /**
     * The collections in the window.
     *
     * @param heapAfterFirst heap in use after the first collection, bytes; -1 when none was seen
     * @param heapAfterLast heap in use after the last one
     */
    public record Gc(long collections, Duration totalPause, Duration longestPause, long heapAfterFirst, long heapAfterLast) {}
}
