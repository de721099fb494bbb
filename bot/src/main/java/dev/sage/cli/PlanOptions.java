package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import picocli.CommandLine.Option;

import java.time.Duration;

/** What one collection takes and how long it may take: the options {@code diagnose} and {@code playbooks capture} share. */
final class PlanOptions {
    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
            description = "Collection rounds, a time series for growth and stuck threads (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s", converter = DurationOption.class,
            description = "Pause between rounds (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationOption.class,
            description = "Deadline of each command on the target (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-histogram", description = "Skip the class histogram (it walks the heap at a safepoint).")
    boolean noHistogram;

    @Option(names = "--live-histogram", description = "Count live objects only: FORCES A FULL, STOP-THE-WORLD GC on the target.")
    boolean liveHistogram;

    /** The plan these options describe; an {@link IllegalArgumentException} says which option is wrong. */
    CollectionPlan plan() {
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds must be between 1 and 100");
        }
        if (noHistogram && liveHistogram) {
            throw new IllegalArgumentException("--no-histogram and --live-histogram contradict each other");
        }
        CollectionPlan plan = CollectionPlan.defaults().withRounds(rounds, interval).withTimeout(timeout);
        if (noHistogram) {
            plan = plan.withoutHistogram();
        }
        if (liveHistogram) {
            plan = plan.withLiveHistogram();
        }
        return plan;
    }
}
