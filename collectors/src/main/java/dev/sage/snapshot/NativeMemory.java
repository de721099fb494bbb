package dev.sage.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * {@code VM.native_memory summary} or {@code summary.diff}. NMT being off is a value, not an error:
 * it tells the reader that native causes cannot be broken down.
 */
public sealed interface NativeMemory {

    /** {@code Native memory tracking is not enabled}: the JVM runs without {@code -XX:NativeMemoryTracking}. */
    record NotEnabled() implements NativeMemory {}

    /**
     * A summary, or a summary diff against the last baseline. Sizes are bytes.
     *
     * @param diff true for {@code summary.diff}: the deltas are then against the baseline
     * @param total the {@code Total:} line
     * @param mallocBytes the total malloc'ed ({@code malloc:} line, JDK 17+), or -1
     * @param mmapCommittedBytes the total committed by mmap ({@code mmap:} line), or -1
     * @param categories each {@code -  Name (reserved=..., committed=...)} block, in print order
     */
    record Summary(boolean diff, Amount total, long mallocBytes, long mmapCommittedBytes, List<Category> categories)
            implements NativeMemory {
        public Summary {
            categories = List.copyOf(categories);
        }

        /** The category with this name (e.g. {@code Thread}, {@code Class}, {@code Java Heap}). */
        public Optional<Category> category(String name) {
            return categories.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    /**
     * Reserved and committed bytes, with the change since the baseline in a diff (0 otherwise).
     */
    record Amount(long reservedBytes, long committedBytes, long reservedDeltaBytes, long committedDeltaBytes) {}

    /**
     * @param name the category, e.g. {@code Java Heap}, {@code Class}, {@code Thread}, {@code Internal}
     * @param amount reserved and committed
     * @param mallocBytes its malloc share, or -1
     * @param mallocDeltaBytes the change of its malloc share in a diff, else 0
     * @param mallocCount the malloc count {@code #N}, or -1
     * @param mallocCountDelta the change of the malloc count in a diff, else 0
     * @param mmapCommittedBytes its committed mmap share, or -1
     * @param count {@code (threads #21)} for Thread, {@code (classes #819)} for Class, else -1
     * @param countDelta the change of that count in a diff, else 0
     */
    record Category(String name, Amount amount, long mallocBytes, long mallocDeltaBytes, long mallocCount,
                    long mallocCountDelta, long mmapCommittedBytes, long count, long countDelta) {}
}
