package dev.sage.service;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.JcmdCommand;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Sage may do to a JVM when someone asks for it explicitly: never part of a diagnosis. Each is run between two
 * looks at the JVM's memory, so that its effect is measured, not assumed.
 */
public enum SafeAction {
    /** {@code System.trim_native_heap}: glibc gives freed malloc memory back to the OS. No safepoint. */
    TRIM_NATIVE_HEAP,
    /** {@code GC.run}: a full, stop-the-world collection. */
    GC_RUN,
    /** A thread dump now ({@code Thread.print}): a safepoint well under a millisecond per hundred threads. */
    THREAD_DUMP,
    /** {@code GC.heap_dump FILE}: a full GC, then the live heap written to a file on the target, at a safepoint. */
    HEAP_DUMP;

    /** How long after the action its effect is looked at. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /** A heap dump of a large heap takes minutes: the command's own deadline. */
    public static final Duration HEAP_DUMP_TIMEOUT = Duration.ofMinutes(10);

    /** The findings that suggest each action, by playbook id. */
    private static final Map<SafeAction, Set<String>> SUGGESTED_BY = Map.of(
            TRIM_NATIVE_HEAP, Set.of("memory-not-returned", "native-memory-gap"),
            GC_RUN, Set.of("memory-not-returned"),
            THREAD_DUMP, Set.of("deadlock", "lock-contention", "latch-wait-forever", "blocking-io-without-timeout",
                    "pool-exhaustion", "thread-leak", "cpu-spin", "timer-leak", "scheduled-task-buildup"),
            HEAP_DUMP, Set.of("cache-growth", "heap-pressure", "classloader-leak"));

    /** The actions the findings with these ids suggest, in declaration order. */
    public static Set<SafeAction> suggestedBy(List<String> findingIds) {
        Set<SafeAction> out = EnumSet.noneOf(SafeAction.class);
        for (SafeAction a : values()) {
            if (findingIds.stream().anyMatch(SUGGESTED_BY.get(a)::contains)) {
                out.add(a);
            }
        }
        return out;
    }

    /** {@code trim_native_heap}: the word in the configuration, the audit and button ids. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code word}, or null. */
    public static SafeAction of(String word) {
        for (SafeAction a : values()) {
            if (a.word().equals(word)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The collection that runs this action and measures it: the memory before, the action, the memory after; or, for a
     * thread dump, the dump alone.
     *
     * @param heapDumpFile where a heap dump goes on the target (ignored by the others)
     */
    CollectionPlan plan(Duration timeout, String heapDumpFile) {
        return switch (this) {
            case TRIM_NATIVE_HEAP -> CollectionPlan.around(JcmdCommand.TRIM_NATIVE_HEAP, SETTLE).withTimeout(timeout);
            case GC_RUN -> CollectionPlan.around(JcmdCommand.GC_RUN, SETTLE).withTimeout(timeout);
            case THREAD_DUMP -> new CollectionPlan(List.of(JcmdCommand.THREAD_PRINT, JcmdCommand.VM_VERSION), 1, SETTLE,
                    timeout, CollectionPlan.DEFAULT_OUTPUT_CAP);
            case HEAP_DUMP -> CollectionPlan.around(JcmdCommand.heapDump(heapDumpFile), SETTLE)
                    .withTimeout(HEAP_DUMP_TIMEOUT);
        };
    }
}
