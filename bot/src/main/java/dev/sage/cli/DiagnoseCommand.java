package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.kube.KubeCluster;
import dev.sage.kube.PodCollector;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.transport.CollectionException;
import dev.sage.transport.LocalTransport;
import dev.sage.transport.SshTransport;
import dev.sage.transport.SudoTransport;
import dev.sage.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The pod's namespace (default: the kubeconfig context's, else 'default').")
    String namespace;

    @Option(names = {"-c", "--container"}, paramLabel = "CONTAINER",
            description = "The pod's container (default: the one running a JVM).")
    String container;

    @Option(names = "--context", paramLabel = "CONTEXT", description = "The kubeconfig context (default: the current one).")
    String context;

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

    @Option(names = "--pid", paramLabel = "PID", description = "The JVM's pid on the host or in the container.")
    Long pid;

    @Option(names = "--main-class", paramLabel = "NAME", description = "Pick the JVM whose main class or jar contains NAME.")
    String mainClass;

    @Option(names = "--sudo-user", paramLabel = "USER",
            description = "Over SSH, run the commands as USER with 'sudo -n -u USER' (the JVM's user: jcmd attaches only as it).")
    String sudoUser;

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "OpenSSH client config (default: ~/.ssh/config).")
    Path sshConfig = home(".ssh/config");

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "Host keys to trust (default: ~/.ssh/known_hosts).")
    Path knownHosts = home(".ssh/known_hosts");

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "Private key to offer (repeatable; default: ~/.ssh/id_ecdsa, id_rsa, and the config's IdentityFile).")
    List<Path> identities = new ArrayList<>();

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

    private static Path home(String relative) {
        return Path.of(System.getProperty("user.home")).resolve(relative);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DiagnoseTarget where;
        try {
            where = DiagnoseTarget.parse(target, namespace != null);
            check(where);
        } catch (IllegalArgumentException e) {
            err.println("sage diagnose: " + e.getMessage());
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
        if (where instanceof DiagnoseTarget.HostGroup g) {
            return group(g, plan, out, err);
        }
        try {
            Diagnosed d = where instanceof DiagnoseTarget.Pod p ? pod(p, plan)
                    : where instanceof DiagnoseTarget.Ssh s
                    ? ssh(s, Optional.ofNullable(sudoUser), Optional.ofNullable(mainClass), plan)
                    : local((DiagnoseTarget.Local) where, plan);
            out.print(render(d));
            out.flush();
            return ExitCodes.OK;
        } catch (CollectionException e) {
            err.println("sage diagnose: " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        }
    }

    /** Refuses options that do not fit the target, and bad values, before anything is contacted. */
    private void check(DiagnoseTarget where) {
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds must be between 1 and 100");
        }
        if (noHistogram && liveHistogram) {
            throw new IllegalArgumentException("--no-histogram and --live-histogram contradict each other");
        }
        if (pid != null && pid <= 0) {
            throw new IllegalArgumentException("--pid must be a positive number");
        }
        boolean pod = where instanceof DiagnoseTarget.Pod;
        if (!pod && (namespace != null || container != null || context != null || compare != null || allowSigquit)) {
            throw new IllegalArgumentException("-n, -c, --context, --compare and --allow-sigquit are for pods (pod/NAME)");
        }
        boolean ssh = where instanceof DiagnoseTarget.Ssh || where instanceof DiagnoseTarget.HostGroup;
        if (!ssh && sudoUser != null) {
            throw new IllegalArgumentException("--sudo-user is for SSH targets (ssh://USER@HOST, hosts/GROUP)");
        }
        if (where instanceof DiagnoseTarget.Local l && l.pid().isPresent() && pid != null) {
            throw new IllegalArgumentException("give the pid once: local:PID or --pid");
        }
        if (namespace != null) {
            dev.sage.transport.Names.namespace(namespace);
        }
        if (container != null) {
            dev.sage.transport.Names.container(container);
        }
        if (compare != null && !compare.equals("auto")) {
            comparedPod();
        }
        if (sudoUser != null) {
            dev.sage.transport.Names.user(sudoUser);
        }
        if (pod && debugImage != null && !debugImage.isBlank()) {
            dev.sage.transport.Names.image(debugImage);
        }
    }

    /** What was collected, from where, and how it was found. */
    private record Diagnosed(String name, JvmSnapshot snapshot, Map<String, Duration> timings, JvmSnapshot sibling,
                             List<String> notes) {
    }

    private Diagnosed local(DiagnoseTarget.Local l, CollectionPlan plan) throws CollectionException {
        Transport transport = new LocalTransport();
        Optional<Long> which = l.pid().isPresent() ? l.pid() : Optional.ofNullable(pid);
        return collect(transport, new JvmDiscovery(transport, ProcessHandle.current().pid()), which,
                Optional.ofNullable(mainClass), plan, "");
    }

    private String render(Diagnosed d) {
        return Reports.render(report.format, d.name(), d.snapshot(), List.of(), d.timings(),
                Reports.playbooks(report.playbookDirs), d.sibling(), d.notes());
    }

    /**
     * Each host of the group in turn, a report each (a JSON array with {@code --format json}); a host that cannot be
     * collected from is named on stderr and the others still run. Exit 0 when any host was diagnosed.
     */
    private int group(DiagnoseTarget.HostGroup g, CollectionPlan plan, PrintWriter out, PrintWriter err) {
        HostGroups.Group group;
        try {
            group = HostGroups.load(HostGroups.file(), g.name());
        } catch (IllegalArgumentException e) {
            err.println("sage diagnose: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Optional<String> sudo = sudoUser != null ? Optional.of(sudoUser) : group.sudoUser();
        Optional<String> main = mainClass != null ? Optional.of(mainClass) : group.mainClass();
        List<String> reports = new ArrayList<>();
        for (DiagnoseTarget.Ssh host : group.hosts()) {
            try {
                reports.add(render(ssh(host, sudo, main, plan)));
            } catch (CollectionException | IllegalArgumentException e) {
                err.println("sage diagnose: " + host.host() + ": " + e.getMessage());
            }
        }
        err.flush();
        out.print(report.format == Reports.Format.json ? "[" + String.join(",", reports) + "]\n" : String.join("\n", reports));
        out.flush();
        return reports.isEmpty() ? ExitCodes.NOTHING_ANALYSED : ExitCodes.OK;
    }

    private Diagnosed ssh(DiagnoseTarget.Ssh s, Optional<String> sudo, Optional<String> main, CollectionPlan plan)
            throws CollectionException {
        try (SshTransport ssh = SshTransport.connect(s.user(), s.host(), s.port(), sshConfig, knownHosts, identities,
                Duration.ofSeconds(Math.min(timeout.toSeconds(), 20)))) {
            Transport transport = sudo.isEmpty() ? ssh : new SudoTransport(ssh, sudo.get());
            return collect(transport, new JvmDiscovery(transport, -1), Optional.ofNullable(pid), main, plan,
                    transport.describe() + " ");
        }
    }

    private Diagnosed collect(Transport transport, JvmDiscovery discovery, Optional<Long> which, Optional<String> main,
                              CollectionPlan plan, String prefix) throws CollectionException {
        Map<String, Duration> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        JvmProcess jvm = discovery.select(which, main);
        timings.put("find the JVM", Duration.ofNanos(System.nanoTime() - t0));
        Collector.Result result = new Collector(transport).collect(jvm, plan);
        timings.putAll(result.timings());
        return new Diagnosed(prefix + name(jvm), result.snapshot(), timings, null, result.notes());
    }

    private Diagnosed pod(DiagnoseTarget.Pod p, CollectionPlan plan) throws CollectionException {
        try (KubeCluster cluster = KubeCluster.connect(Optional.ofNullable(context), timeout)) {
            String ns = namespace != null ? namespace : cluster.defaultNamespace();
            PodCollector.Options ladder = new PodCollector.Options(Optional.ofNullable(copyJattach),
                    Optional.ofNullable(debugImage).filter(i -> !i.isBlank()), allowSigquit);
            PodCollector collector = new PodCollector(cluster);
            KubeCluster.Resolved pod = cluster.resolve(ns, p.name());
            PodCollector.Outcome outcome = collector.collect(pod, Optional.ofNullable(container), Optional.ofNullable(pid),
                    Optional.ofNullable(mainClass), plan, ladder);
            KubeCluster.Located at = outcome.at();
            Collector.Result result = outcome.result();
            Map<String, Duration> timings = new LinkedHashMap<>(result.timings());
            List<String> notes = new ArrayList<>(result.notes());
            JvmSnapshot sibling = null;
            if (compare != null) {
                long t1 = System.nanoTime();
                KubeCluster.Resolved other = compare.equals("auto") ? cluster.healthySibling(pod)
                        : cluster.resolve(ns, comparedPod());
                if (other.name().equals(pod.name())) {
                    throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "--compare names the pod being"
                            + " diagnosed; give another pod of the same service, or auto");
                }
                // nobody asked for the sibling to get a debug container or a signal: jcmd or jattach only
                sibling = collector.collect(other, Optional.of(outcome.container()), Optional.empty(),
                        Optional.ofNullable(mainClass), plan.withRounds(1, plan.interval()), PodCollector.Options.NONE)
                        .result().snapshot();
                notes.add(other.note().isEmpty() ? "compared with pod " + other.name() : other.note());
                timings.put("sibling " + other.name(), Duration.ofNanos(System.nanoTime() - t1));
            }
            return new Diagnosed(at.transport().describe() + " " + name(at.jvm()), result.snapshot(), timings, sibling, notes);
        }
    }

    /** The pod {@code --compare} names (not {@code auto}): {@code pod/NAME} or {@code NAME}, checked. */
    private String comparedPod() {
        if (DiagnoseTarget.parse(compare, true) instanceof DiagnoseTarget.Pod p) {
            return p.name();
        }
        throw new IllegalArgumentException("--compare takes auto or a pod of the same service, not " + compare);
    }

    private static String name(JvmProcess jvm) {
        return "pid " + jvm.pid() + (jvm.mainClass().isEmpty() ? "" : " (" + jvm.mainClass() + ")");
    }
}
