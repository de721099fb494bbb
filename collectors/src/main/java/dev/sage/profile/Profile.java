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
 * @param threadStarters who started them, by the starting thread's top application frame
 * @param allocationFlame the allocation samples' stacks, weighed by bytes, for a flame graph
 * @param cpuFlame the execution samples' stacks, for a flame graph
 */
public record Profile(Instant start, Duration window, long allocationBytes, List<Site> allocationSites, long cpuSamples,
                      List<Site> cpuSites, List<Site> contention, Gc gc, long threadsStarted, List<Site> threadStarters,
                      Flame allocationFlame, Flame cpuFlame) {
    public Profile {
        allocationSites = List.copyOf(allocationSites);
        cpuSites = List.copyOf(cpuSites);
        contention = List.copyOf(contention);
        threadStarters = List.copyOf(threadStarters);
    }

    /**
     * One place in the code, with what it weighs.
     *
     * @param frame {@code com.example.Orders.flush} (class and method)
     * @param weight bytes, samples, nanoseconds or threads, as the ranking counts
     * @param count how many events fell here
     * @param stack a representative stack, top first, a few frames
     */
    public record Site(String frame, long weight, long count, List<String> stack) {
        public Site {
            stack = List.copyOf(stack);
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
