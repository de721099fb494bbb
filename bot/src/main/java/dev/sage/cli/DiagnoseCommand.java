package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.transport.CollectionException;
import dev.sage.transport.LocalTransport;
import dev.sage.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sage diagnose TARGET}: collects from a live JVM without hurting it, and prints what it shows. */
@Command(name = "diagnose",
        mixinStandardHelpOptions = true,
        description = {
            "Collects diagnostics from a running JVM with jcmd (one attach per round: thread dump, heap info,",
            "class histogram without a GC, native memory, version, flags, uptime, and the process's memory)",
            "and prints what they show. Nothing here forces a GC, dumps the heap or sends SIGQUIT unless asked."},
        footer = {"", "TARGET:", "  local:PID   the JVM with this pid on this machine",
            "  local       the only JVM on this machine (or the one --main-class names)",
            "", "Exit codes: 0 diagnosed, 2 bad usage, 3 could not collect (the reason is printed).",
            "", "Examples:", "  sage diagnose local:4242", "  sage diagnose local --main-class OrderService --rounds 3 --interval 10s"})
final class DiagnoseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "local:PID, or local")
    String target;

    @Option(names = "--main-class", paramLabel = "NAME", description = "Pick the JVM whose main class or jar contains NAME.")
    String mainClass;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "Collection rounds, a time series for growth and stuck threads (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Pause between rounds (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "Deadline of each command on the target (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-histogram", description = "Skip the class histogram (it walks the heap at a safepoint).")
    boolean noHistogram;

    @Option(names = "--live-histogram", description = "Count live objects only: FORCES A FULL, STOP-THE-WORLD GC on the target.")
    boolean liveHistogram;

    @picocli.CommandLine.Mixin
    ReportOptions report = new ReportOptions();

    /** Where commands run; local unless a test sets another. */
    Transport transport = new LocalTransport();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Long> pid;
        if (target.equals("local")) {
            pid = Optional.empty();
        } else if (target.matches("local:0*[1-9]\\d{0,9}")) {
            pid = Optional.of(Long.parseLong(target.substring("local:".length())));
        } else if (target.startsWith("pod/") || target.startsWith("ssh://")) {
            err.println("sage diagnose: " + target + ": this build collects from local JVMs only (local:PID or local);"
                    + " Kubernetes and SSH targets come with their transports");
            return ExitCodes.USAGE;
        } else {
            err.println("sage diagnose: '" + target + "' is not a target: give local:PID or local");
            return ExitCodes.USAGE;
        }
        if (rounds < 1 || rounds > 100) {
            err.println("sage diagnose: --rounds must be between 1 and 100");
            return ExitCodes.USAGE;
        }
        if (noHistogram && liveHistogram) {
            err.println("sage diagnose: --no-histogram and --live-histogram contradict each other");
            return ExitCodes.USAGE;
        }
        CollectionPlan plan = CollectionPlan.defaults().withRounds(rounds, interval).withTimeout(timeout);
        if (noHistogram) {
            plan = plan.withoutHistogram();
        }
        if (liveHistogram) {
            plan = plan.withLiveHistogram();
            err.println("sage diagnose: --live-histogram: GC.class_histogram forces a full, stop-the-world GC on the target");
        }
        try {
            Map<String, Duration> timings = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            JvmProcess jvm = new JvmDiscovery(transport, ProcessHandle.current().pid())
                    .select(pid, Optional.ofNullable(mainClass));
            timings.put("find the JVM", Duration.ofNanos(System.nanoTime() - t0));
            Collector.Result result = new Collector(transport).collect(jvm.pid(), plan);
            timings.putAll(result.timings());
            String name = "pid " + jvm.pid() + (jvm.mainClass().isEmpty() ? "" : " (" + jvm.mainClass() + ")");
            out.print(Reports.render(report.format, name, result.snapshot(), List.of(), timings, Reports.playbooks(report.playbookDirs)));
            out.flush();
            return ExitCodes.OK;
        } catch (CollectionException e) {
            err.println("sage diagnose: " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        }
    }
}
