package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import dev.sage.kube.PodCollector;
import dev.sage.render.CliWords;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        footer = {"", "TARGET:",
            "  local:PID              the JVM with this pid on this machine",
            "  local                  the only JVM on this machine (or the one --main-class names)",
            "  pod/NAME               a pod: its exact name, or the only pod whose name starts with NAME",
            "  NAME                   the same, when -n is given",
            "  ssh://[USER@]HOST[:PORT]  a host over SSH; ~/.ssh/config and known_hosts are read as ssh does",
            "  hosts/GROUP            every host of a group in $SAGE_HOSTS (default ~/.config/sage/hosts.yaml)",
            "", "Exit codes: 0 diagnosed, 2 bad usage, 3 could not collect (the reason is printed).",
            "", "Examples:", "  sage diagnose local:4242",
            "  sage diagnose pod/payments-7d9f8-x2kq -n prod --compare auto",
            "  sage diagnose ssh://deploy@app-3.internal --main-class OrderService --sudo-user orders",
            "  sage diagnose local --main-class OrderService --rounds 3 --interval 10s"})
final class DiagnoseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "local:PID, local, pod/NAME, NAME with -n, ssh://[USER@]HOST[:PORT], or hosts/GROUP")
    String target;

    @picocli.CommandLine.Mixin
    TargetOptions where = new TargetOptions();

    @Option(names = "--compare", paramLabel = "POD",
            description = "Also collect from a healthy pod of the same service and say what differs: 'auto' (a Ready"
                    + " sibling with the fewest restarts) or a pod name.")
    String compare;

    @Option(names = "--copy-jattach", paramLabel = "FILE", defaultValue = "${env:SAGE_COPY_JATTACH}",
            description = "When the pod's image has neither jcmd nor jattach: copy this jattach binary into the"
                    + " container's /tmp for the collection, and remove it after (it must run there: same CPU, and a"
                    + " static build or the image's libc; Sage's own image has /usr/bin/jattach). Default:"
                    + " $SAGE_COPY_JATTACH, else never.")
    Path copyJattach;

    @Option(names = "--debug-image", paramLabel = "IMAGE", defaultValue = "${env:SAGE_DEBUG_IMAGE}",
            description = "When the pod's image has no jcmd or jattach: add an ephemeral container from this JDK image"
                    + " (e.g. eclipse-temurin:21-jdk) that shares the JVM's processes, and collect from it. Kubernetes"
                    + " cannot remove it afterwards. Default: $SAGE_DEBUG_IMAGE, else never.")
    String debugImage;

    @Option(names = "--allow-sigquit",
            description = "When there is no way to attach: send SIGQUIT (only to a JVM that handles it) and read the"
                    + " thread dump from the container log. A thread dump only; the JVM prints it at a safepoint, so a"
                    + " stuck log pipe stalls it.")
    boolean allowSigquit;

    @picocli.CommandLine.Mixin
    PlanOptions collection = new PlanOptions();

    @Option(names = "--profile", paramLabel = "DURATION", converter = DurationOption.class,
            description = "Then record the JVM with JDK Flight Recorder for this long (about 1 %% overhead, no pause):"
                    + " findings then name who starts the threads and who allocates.")
    Duration profile;

    @picocli.CommandLine.Mixin
    ReportOptions report = new ReportOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DiagnoseRequest request;
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            err.println("sage diagnose: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (collection.liveHistogram) {
            err.println("sage diagnose: --live-histogram: GC.class_histogram forces a full, stop-the-world GC on the target");
        }
        if (profile != null) {
            err.println("sage diagnose: collecting from " + target + ", then recording it with JDK Flight Recorder for "
                    + profile.toSeconds() + " s…");
            err.flush();
        }
        DiagnosisService service = new DiagnosisService(where.settings());
        try {
            if (request.target() instanceof Target.HostGroup) {
                return group(service.diagnoseGroup(request, DiagnosisListener.NONE), out, err);
            }
            out.print(Reports.render(report.format, service.diagnose(request, DiagnosisListener.NONE)));
            out.flush();
            return ExitCodes.OK;
        } catch (DiagnosisException e) {
            err.println("sage diagnose: " + CliWords.failure(e.getMessage(), e.remedies()));
            return ExitCodes.of(e);
        }
    }

    /** The request the options describe; what cannot be checked without the service is checked there. */
    private DiagnoseRequest request() {
        Target named = Target.parse(target, where.namespaced());
        CollectionPlan plan = collection.plan().withProfile(Optional.ofNullable(profile));
        return where.applyTo(DiagnoseRequest.of(named), true)
                .withCompare(Optional.ofNullable(compare))
                .withPlan(plan)
                .withLadder(new PodCollector.Options(Optional.ofNullable(copyJattach),
                        Optional.ofNullable(debugImage).filter(i -> !i.isBlank()), allowSigquit))
                .withPlaybookDirs(report.playbookDirs);
    }

    /**
     * A report per host (a JSON array with {@code --format json}); a host that could not be collected from is named
     * on stderr. Exit 0 when any host was diagnosed.
     */
    private int group(DiagnosisService.GroupReport g, PrintWriter out, PrintWriter err) {
        for (Map.Entry<String, DiagnosisException> f : g.failures().entrySet()) {
            err.println("sage diagnose: " + f.getKey() + ": " + CliWords.failure(f.getValue().getMessage(),
                    f.getValue().remedies()));
        }
        err.flush();
        List<String> reports = g.reports().stream().map(r -> Reports.render(report.format, r)).toList();
        out.print(report.format == Reports.Format.json ? "[" + String.join(",", reports) + "]\n" : String.join("\n", reports));
        out.flush();
        return reports.isEmpty() ? ExitCodes.NOTHING_ANALYSED : ExitCodes.OK;
    }
}
