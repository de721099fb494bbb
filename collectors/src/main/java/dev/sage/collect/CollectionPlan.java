package dev.sage.collect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to collect and how often. The performance counters are read at the end of each round's jcmd exec, not by a
 * jcmd command. The default is light on the target: no full GC, no heap dump, no signal.
 *
 * @param commands the jcmd commands of each round, in order
 * @param rounds how many rounds (2 or more make a time series: growth and "stuck" need it)
 * @param interval the pause between rounds
 * @param timeout the deadline of each command Sage runs
 * @param outputCap the most bytes kept of one command's output
 * @param action a command run once, right after round 1 (see {@link #around})
 * @param profile how long to record the JVM with JDK Flight Recorder, after the last round; empty: no recording
 */
public record CollectionPlan(List<JcmdCommand> commands, int rounds, Duration interval, Duration timeout, long outputCap,
                             Optional<JcmdCommand> action, Optional<Duration> profile) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** 64 MiB: a 5,000-thread dump is 7 MB. */
    public static final long DEFAULT_OUTPUT_CAP = 64L << 20;
    /** The longest recording Sage makes: a recording is a cost the target pays while it runs (about 1 %). */
    public static final Duration MAX_PROFILE = Duration.ofMinutes(5);

    public CollectionPlan(List<JcmdCommand> commands, int rounds, Duration interval, Duration timeout, long outputCap) {
        this(commands, rounds, interval, timeout, outputCap, Optional.empty(), Optional.empty());
    }

    public CollectionPlan {
        commands = List.copyOf(commands);
        if (action.isPresent() && action.get().kind() != dev.sage.parse.Kind.ACTION) {
            throw new IllegalArgumentException(action.get().command() + " is not an action");
        }
        if (commands.stream().anyMatch(c -> c.kind() == dev.sage.parse.Kind.ACTION)) {
            throw new IllegalArgumentException("an action runs once, as the plan's action, not in every round");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        if (interval.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (profile.isPresent() && (profile.get().compareTo(Duration.ofSeconds(1)) < 0
                || profile.get().compareTo(MAX_PROFILE) > 0)) {
            throw new IllegalArgumentException("a profile lasts from 1 s to " + MAX_PROFILE.toMinutes() + " min");
        }
    }

    /** {@code Thread.print} (with {@code -l} again when threads wait on a java.util.concurrent lock), {@code GC.heap_info}, {@code GC.class_histogram -all}, {@code VM.native_memory summary}, {@code VM.version}, {@code VM.flags}, {@code VM.uptime}, {@code GC.finalizer_info}; one round. */
    public static CollectionPlan defaults() {
        return new CollectionPlan(List.of(JcmdCommand.THREAD_PRINT, JcmdCommand.HEAP_INFO, JcmdCommand.HISTOGRAM_ALL,
                JcmdCommand.NATIVE_MEMORY, JcmdCommand.VM_VERSION, JcmdCommand.VM_FLAGS, JcmdCommand.VM_UPTIME,
                        // last: a JDK 8 JVM does not know it, and jcmd stops a batch at a command it does not know
                        JcmdCommand.FINALIZER_INFO),
                1, Duration.ofSeconds(10), DEFAULT_TIMEOUT, DEFAULT_OUTPUT_CAP);
    }

    /** The rounds of a diagnosis nobody tuned, in chat and on the command line: growth and "stuck" need two. */
    public static final int STANDARD_ROUNDS = 2;
    /** The pause between those rounds: long enough for a leak to show, short enough to answer during an incident. */
    public static final Duration STANDARD_INTERVAL = Duration.ofSeconds(10);

    /** {@link #defaults()} over {@link #STANDARD_ROUNDS} rounds {@link #STANDARD_INTERVAL} apart: what a mention runs. */
    public static CollectionPlan standard() {
        return defaults().withRounds(STANDARD_ROUNDS, STANDARD_INTERVAL);
    }

    public CollectionPlan withRounds(int n, Duration every) {
        return new CollectionPlan(commands, n, every, timeout, outputCap, action, profile);
    }

    public CollectionPlan withTimeout(Duration t) {
        return new CollectionPlan(commands, rounds, interval, t, outputCap, action, profile);
    }

    /** Recording the JVM for {@code d} after the last round, as well (empty: not). */
    public CollectionPlan withProfile(Optional<Duration> d) {
        return new CollectionPlan(commands, rounds, interval, timeout, outputCap, action, d);
    }

    /** Without the class histogram (it walks the heap at a safepoint: about 1.5 s at 2 GB). */
    public CollectionPlan withoutHistogram() {
        return new CollectionPlan(commands.stream().filter(c -> c.kind() != dev.sage.parse.Kind.CLASS_HISTOGRAM).toList(),
                rounds, interval, timeout, outputCap, action, profile);
    }

    /** With a live-object histogram: forces a full, stop-the-world GC on the target before counting. */
    public CollectionPlan withLiveHistogram() {
        List<JcmdCommand> c = new ArrayList<>();
        for (JcmdCommand cmd : commands) {
            c.add(cmd.equals(JcmdCommand.HISTOGRAM_ALL) ? JcmdCommand.HISTOGRAM_LIVE : cmd);
        }
        if (!c.contains(JcmdCommand.HISTOGRAM_LIVE)) {
            c.add(JcmdCommand.HISTOGRAM_LIVE);
        }
        return new CollectionPlan(c, rounds, interval, timeout, outputCap, action, profile);
    }

    /**
     * The state before and after one action: {@code GC.heap_info} and the process's memory in round 1, the action
     * right after round 1's commands, and round 2 {@code after} later. Takes no histogram and no thread dump.
     */
    public static CollectionPlan around(JcmdCommand action, Duration after) {
        return new CollectionPlan(List.of(JcmdCommand.HEAP_INFO, JcmdCommand.VM_VERSION), 2, after, DEFAULT_TIMEOUT,
                DEFAULT_OUTPUT_CAP, Optional.of(action), Optional.empty());
    }

    /** True when the plan forces a full GC on the target. */
    public boolean forcesFullGc() {
        return commands.contains(JcmdCommand.HISTOGRAM_LIVE) || action.filter(a -> !a.equals(JcmdCommand.TRIM_NATIVE_HEAP))
                .isPresent();
    }
}
