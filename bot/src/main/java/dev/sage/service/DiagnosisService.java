package dev.sage.service;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.engine.Diagnoser;
import dev.sage.kube.KubeCluster;
import dev.sage.kube.PodCollector;
import dev.sage.parse.SnapshotReader;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.playbook.TeamCatalogue;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.Problem;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecAudits;
import dev.sage.transport.LocalTransport;
import dev.sage.transport.Names;
import dev.sage.transport.SshTransport;
import dev.sage.transport.SudoTransport;
import dev.sage.transport.Transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one diagnosis service: every front end builds a request and calls it. It checks the request, collects from the
 * target (on this machine, over SSH, from a pod down the no-jcmd ladder, from a healthy sibling to compare with),
 * judges with the playbooks, and returns a {@link Report}, or throws a {@link DiagnosisException} saying what failed
 * and what to try. Progress goes to a {@link DiagnosisListener}, never to a terminal.
 *
 * <p>Thread-safe: it holds only immutable settings, and each call opens and closes its own connections, so several
 * diagnoses may run at once from different threads.
 */
public final class DiagnosisService {
    /**
     * How this Sage reaches targets.
     *
     * @param ssh how SSH hosts are reached
     * @param hostGroups the host groups file
     * @param playbookDirs team playbook directories loaded for every request, before the request's own
     * @param scope what may be touched
     * @param auditRequired whether a diagnosis is refused unless its thread has an audit ({@link ExecAudits#with}):
     *     the bot's commands are all on record; the command line's run with its user's own credentials
     */
    public record Settings(SshSettings ssh, Path hostGroups, List<Path> playbookDirs, Scope scope, boolean auditRequired) {
        public Settings {
            playbookDirs = List.copyOf(playbookDirs);
        }

        /** As the command line runs: ssh's own files, {@code SAGE_HOSTS}, {@code SAGE_PLAYBOOKS}, everything in scope. */
        public static Settings fromEnvironment() {
            return new Settings(SshSettings.defaults(), HostGroups.file(), environmentPlaybooks(), Scope.EVERYTHING, false);
        }

        public Settings withSsh(SshSettings s) {
            return new Settings(s, hostGroups, playbookDirs, scope, auditRequired);
        }
    }

    /**
     * @param config the OpenSSH client config
     * @param knownHosts the host keys to trust
     * @param identities private keys to offer besides the config's and the defaults
     */
    public record SshSettings(Path config, Path knownHosts, List<Path> identities) {
        public SshSettings {
            identities = List.copyOf(identities);
        }

        public static SshSettings defaults() {
            Path home = Path.of(System.getProperty("user.home"));
            return new SshSettings(home.resolve(".ssh/config"), home.resolve(".ssh/known_hosts"), List.of());
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiagnosisService.class);
    /**
     * The built-in catalogue, loaded once, on a thread of its own from the service's first use: it compiles every
     * playbook's expressions (about 0.2 s in a fresh JVM), which then overlaps the collection instead of preceding it.
     */
    private static final java.util.concurrent.FutureTask<PlaybookLoader.Loaded> BUILTINS = loadInBackground();

    private static java.util.concurrent.FutureTask<PlaybookLoader.Loaded> loadInBackground() {
        var task = new java.util.concurrent.FutureTask<>(PlaybookLoader::builtins);
        Thread t = new Thread(task, "sage-catalogue");
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** The built-in catalogue, waiting for its load if it is still under way. */
    public static PlaybookLoader.Loaded builtins() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return BUILTINS.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the catalogue is needed whatever happens: wait it out, then say so
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final Settings settings;
    private final TeamCatalogue catalogue;
    private final PlaybookScope scope;

    public DiagnosisService(Settings settings) {
        this(settings, null, PlaybookScope.EVERYWHERE);
    }

    /**
     * @param catalogue the team playbooks a running bot keeps and reloads (its directories are then read from it, not
     *     from {@code settings}); null to read the settings' directories on every call
     * @param scope which of the catalogue's directories judge a diagnosis
     */
    public DiagnosisService(Settings settings, TeamCatalogue catalogue, PlaybookScope scope) {
        this.settings = settings;
        this.catalogue = catalogue;
        this.scope = scope;
    }

    /** The team playbooks this service keeps, when it keeps them (the bot). */
    public Optional<TeamCatalogue> catalogue() {
        return Optional.ofNullable(catalogue);
    }

    /** The team directories in {@code SAGE_PLAYBOOKS} (paths separated by ':'). */
    static List<Path> environmentPlaybooks() {
        List<Path> dirs = new ArrayList<>();
        String configured = System.getenv("SAGE_PLAYBOOKS");
        if (configured != null) {
            for (String d : configured.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d.strip()));
                }
            }
        }
        return dirs;
    }

    /**
     * The playbooks that judge {@code request}: the directories whose scope reaches its target (a pod's {@code context}
     * once known), then the request's own.
     */
    private PlaybookLoader.Loaded scoped(DiagnoseRequest request, String context) {
        return load(request.playbookDirs(), dir -> scope.applies(dir, request, context));
    }

    /** The built-ins with the configured team directories and then the request's, or just the built-ins. */
    public PlaybookLoader.Loaded playbooks(List<Path> requestDirs) {
        return load(requestDirs, dir -> true);
    }

    /**
     * The built-ins, the configured directories {@code applies} keeps (as the catalogue last loaded them, when this
     * service keeps one), then {@code requestDirs} read now.
     */
    private PlaybookLoader.Loaded load(List<Path> requestDirs, java.util.function.Predicate<Path> applies) {
        if (catalogue != null && requestDirs.isEmpty()) {
            return catalogue.current(applies);
        }
        List<Path> dirs = new ArrayList<>((catalogue != null ? catalogue.dirs() : settings.playbookDirs()).stream()
                .filter(applies).toList());
        dirs.addAll(requestDirs);
        return dirs.isEmpty() ? builtins() : PlaybookLoader.withTeamDirectories(dirs);
    }

    /**
     * Diagnoses one JVM: on this machine, on an SSH host, or in a pod (and its sibling, when asked). Host groups go
     * through {@link #diagnoseGroup}.
     *
     * @throws DiagnosisException with what failed and what to try
     */
    /** Fails closed: with audits required, work that no audit records is not started. */
    private void requireAudit() throws DiagnosisException {
        if (settings.auditRequired() && !ExecAudits.active()) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "Sage did not start this diagnosis: it runs"
                    + " nothing on a target off the record, and this request has no audit");
        }
    }

    public Report diagnose(DiagnoseRequest request, DiagnosisListener listener) throws DiagnosisException {
        requireAudit();
        check(request);
        Progress progress = new Progress(listener, request);
        try {
            return diagnoseWithinHeap(request, progress);
        } catch (OutOfMemoryError e) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, MemoryGuard.outOfMemory("judging what "
                    + request.target() + " printed"));
        }
    }


    /**
     * Records the JVM the request names with JDK Flight Recorder for {@code duration} (the JDK's {@code profile}
     * settings, about 1 % overhead) and ranks what it saw: allocation sites, CPU, waits, collections, thread starts.
     * The recording file is removed from the target; a JVM that already records is dumped instead.
     *
     * @throws DiagnosisException when the JVM cannot be reached, has no Flight Recorder, or the recording cannot be read
     */
    public ProfileReport profile(DiagnoseRequest request, Duration duration, DiagnosisListener listener)
            throws DiagnosisException {
        return profile(request, duration, listener, jfr -> { });
    }

    /**
     * As {@link #profile(DiagnoseRequest, Duration, DiagnosisListener)}, giving the recording's bytes to {@code keep}
     * as soon as they are back, before they are read: a recording that cannot be read is still kept.
     */
    public ProfileReport profile(DiagnoseRequest request, Duration duration, DiagnosisListener listener,
                                 java.util.function.Consumer<byte[]> keep) throws DiagnosisException {
        try {
            request.plan().withProfile(Optional.of(duration)); // the plan's own bounds on a recording's length
        } catch (IllegalArgumentException e) {
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage());
        }
        requireAudit();
        check(request);
        Progress progress = new Progress(listener, request);
        try {
            Located at = locate(request, progress);
            try {
                progress.step("recording " + at.target() + " for " + duration.toSeconds() + " s");
                Collector.Recording r = new Collector(at.transport()).recordJfr(at.jvm().pid(), duration, request.plan());
                keep.accept(r.jfr());
                return new ProfileReport(at.target(), dev.sage.profile.ProfileReader.read(r.jfr(), "the recording"),
                        r.jfr(), r.existing(), r.took());
            } finally {
                at.close();
            }
        } catch (CollectionException e) {
            throw DiagnosisException.of(e);
        } catch (dev.sage.parse.CaptureFormatException e) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "the recording from " + request.target()
                    + " could not be read: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, MemoryGuard.outOfMemory("reading the"
                    + " recording of " + request.target()));
        } catch (IOException e) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "the recording could not be kept on this"
                    + " machine to be read: " + e.getMessage());
        }
    }

    /**
     * Records the JVMs {@code requests} name at the same time and for as long, as {@link #profile} does one: the same
     * window of the same traffic, so that what differs between them is the code or the instance, not the hour. The
     * first is recorded on the calling thread, the others on threads of their own under its audit. In the order given;
     * {@code keep} is given the first one's bytes.
     *
     * @throws DiagnosisException the first that fails, its message naming its target when it is not the first
     */
    public List<ProfileReport> profiles(List<DiagnoseRequest> requests, Duration duration, DiagnosisListener listener,
                                        java.util.function.Consumer<byte[]> keep) throws DiagnosisException {
        java.util.concurrent.ExecutorService side = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sage-profile-side");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<ProfileReport>> others = new ArrayList<>();
            for (DiagnoseRequest other : requests.subList(1, requests.size())) {
                others.add(side.submit(ExecAudits.carried(() -> profile(other, duration, DiagnosisListener.NONE))));
            }
            List<ProfileReport> out = new ArrayList<>();
            out.add(profile(requests.get(0), duration, listener, keep));
            for (int i = 0; i < others.size(); i++) {
                try {
                    out.add(others.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    DiagnosisException d = e.getCause() instanceof DiagnosisException x ? x
                            : new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "recording failed ("
                            + e.getCause().getClass().getSimpleName() + ")");
                    throw new DiagnosisException(d.kind(), requests.get(i + 1).target() + ": " + d.getMessage(), d,
                            d.remedies(), d.candidates());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "stopped while recording");
        } finally {
            // a side recording still under way is told to stop, and given the time to stop its recording on the
            // target and remove its file: a process that exits now would leave them there
            side.shutdownNow();
            try {
                if (!side.awaitTermination(requests.get(0).plan().timeout().toSeconds() + 5, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("a side recording did not stop in time: it stops by itself a minute after its duration");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The pod to compare a pod with when asked for {@code auto}: a Ready sibling of the same owner with the fewest
     * restarts, as {@code --compare auto} picks it, as a request with the same options.
     *
     * @throws DiagnosisException when the request is not for a pod, is out of scope, or the pod has no such sibling
     */
    public DiagnoseRequest sibling(DiagnoseRequest request) throws DiagnosisException {
        if (!(request.target() instanceof Target.Pod p)) {
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, "only a pod has siblings to compare with;"
                    + " name the other JVM instead");
        }
        check(request);
        try (KubeCluster cluster = cluster(p, request, new Progress(DiagnosisListener.NONE, request))) {
            KubeCluster.Resolved pod = cluster.resolve(namespace(cluster, p, request), p.name());
            KubeCluster.Resolved other = cluster.healthySibling(pod);
            return request.withCompare(Optional.empty()).withTarget(Target.parse("pod/" + other.name(), true));
        } catch (CollectionException e) {
            throw DiagnosisException.of(e);
        }
    }

    /** True when {@code head} begins as a JDK Flight Recorder file does ({@code FLR} and a zero byte). */
    public static boolean isRecording(byte[] head) {
        return dev.sage.profile.ProfileReader.isRecording(head);
    }

    /**
     * A flight recording a person already has ({@code sage analyze app.jfr}, a {@code .jfr} shared in Slack), read into
     * a profile. Nothing runs anywhere.
     *
     * @throws DiagnosisException {@link DiagnosisException.Kind#NOTHING_READ} when it is not a recording or is cut short
     */
    public ProfileReport readRecording(String name, byte[] jfr) throws DiagnosisException {
        try {
            return new ProfileReport(name, dev.sage.profile.ProfileReader.read(jfr, name), jfr, Optional.empty(),
                    Duration.ZERO);
        } catch (dev.sage.parse.CaptureFormatException e) {
            throw new DiagnosisException(DiagnosisException.Kind.NOTHING_READ, e.reason());
        } catch (OutOfMemoryError e) {
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, MemoryGuard.outOfMemory("reading " + name));
        } catch (IOException e) {
            throw new DiagnosisException(DiagnosisException.Kind.NOTHING_READ, name + " could not be read: " + e.getMessage());
        }
    }

    /** The JVM a request names and the transport that reaches it; closing it closes the connection. */
    private record Located(Transport transport, JvmProcess jvm, String target, AutoCloseable connection)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (Exception ignored) {
                // the connection is gone either way
            }
        }
    }

    /** Finds the JVM a request names, as a diagnosis would, without collecting from it. */
    private Located locate(DiagnoseRequest r, Progress progress) throws CollectionException, DiagnosisException {
        if (r.target() instanceof Target.Local l) {
            Transport transport = new LocalTransport();
            JvmProcess jvm = new JvmDiscovery(transport, ProcessHandle.current().pid())
                    .select(l.pid().isPresent() ? l.pid() : r.pid(), r.mainClass());
            progress.found(jvm);
            return new Located(transport, jvm, transport.describe() + " " + name(jvm), null);
        }
        if (r.target() instanceof Target.Ssh s) {
            SshSettings ssh = settings.ssh();
            progress.step("connecting to " + s.host() + " over SSH");
            SshTransport connection = SshTransport.connect(s.user(), s.host(), s.port(), ssh.config(), ssh.knownHosts(),
                    ssh.identities(), Duration.ofSeconds(Math.min(r.plan().timeout().toSeconds(), 20)));
            try {
                Transport transport = r.sudoUser().isEmpty() ? connection : new SudoTransport(connection, r.sudoUser().get());
                JvmProcess jvm = new JvmDiscovery(transport, -1).select(r.pid(), r.mainClass());
                progress.found(jvm);
                return new Located(transport, jvm, transport.describe() + " " + name(jvm), connection);
            } catch (CollectionException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        if (r.target() instanceof Target.Pod p) {
            KubeCluster cluster = cluster(p, r, progress);
            try {
                String ns = namespace(cluster, p, r);
                KubeCluster.Resolved pod = cluster.resolve(ns, p.name());
                KubeCluster.Located at = cluster.locate(pod, r.container(), r.pid(), r.mainClass());
                progress.found(at.jvm());
                return new Located(at.transport(), at.jvm(), at.transport().describe() + " " + name(at.jvm()), cluster);
            } catch (CollectionException | DiagnosisException | RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, "hosts/"
                + ((Target.HostGroup) r.target()).name() + " is a group of hosts: profile one host at a time");
    }

    /**
     * Runs {@code action} on the JVM the request names, between a look at its memory before and one after, and says
     * what it did and what changed. For a person who asked for that action by name: no diagnosis runs one.
     *
     * @param heapDumpFile where a heap dump goes on the target's filesystem (only for {@link SafeAction#HEAP_DUMP})
     * @throws DiagnosisException when the JVM cannot be reached at all; a JVM that refuses the action is a result
     */
    public ActionResult act(DiagnoseRequest request, SafeAction action, String heapDumpFile, DiagnosisListener listener)
            throws DiagnosisException {
        CollectionPlan plan = action.plan(request.plan().timeout(), heapDumpFile);
        Report report = diagnose(request.withPlan(plan).withCompare(Optional.empty()), listener);
        return ActionResult.of(action, plan.action().map(c -> c.command()).orElse("Thread.print"), report);
    }

    private Report diagnoseWithinHeap(DiagnoseRequest request, Progress progress) throws DiagnosisException {
        try {
            if (request.target() instanceof Target.Local l) {
                return local(l, request, progress);
            }
            if (request.target() instanceof Target.Ssh s) {
                // in scope: checked at the door (check)
                return ssh(s, request.sudoUser(), request.mainClass(), request, progress);
            }
            if (request.target() instanceof Target.Pod p) {
                return pod(p, request, progress);
            }
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, "hosts/"
                    + ((Target.HostGroup) request.target()).name() + " is a group of hosts: diagnose it host by host");
        } catch (CollectionException e) {
            throw DiagnosisException.of(e);
        }
    }

    /** One report per host of a group that could be diagnosed, and why each other host could not. */
    public record GroupReport(List<Report> reports, Map<String, DiagnosisException> failures) {
        public GroupReport {
            reports = List.copyOf(reports);
            failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        }
    }

    /**
     * Diagnoses every host of a group in turn; a host that cannot be reached is named in the failures and the others
     * still run.
     *
     * @throws DiagnosisException when the group itself cannot be had (no file, no such group) or is out of scope
     */
    public GroupReport diagnoseGroup(DiagnoseRequest request, DiagnosisListener listener) throws DiagnosisException {
        requireAudit();
        check(request);
        if (!(request.target() instanceof Target.HostGroup g)) {
            throw new IllegalArgumentException("not a host group: " + request.target());
        }
        HostGroups.Group group;
        try {
            group = HostGroups.load(settings.hostGroups(), g.name());
        } catch (IllegalArgumentException e) {
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage());
        }
        Optional<String> sudo = request.sudoUser().isPresent() ? request.sudoUser() : group.sudoUser();
        Optional<String> main = request.mainClass().isPresent() ? request.mainClass() : group.mainClass();
        List<Report> reports = new ArrayList<>();
        Map<String, DiagnosisException> failures = new LinkedHashMap<>();
        Progress progress = new Progress(listener, request);
        for (Target.Ssh host : group.hosts()) {
            try {
                reports.add(ssh(host, sudo, main, request, progress));
            } catch (CollectionException e) {
                failures.put(host.host(), DiagnosisException.of(e));
            } catch (IllegalArgumentException e) {
                failures.put(host.host(), new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage()));
            }
        }
        return new GroupReport(reports, failures);
    }

    /**
     * Diagnoses captures a person already has. Inputs that cannot be read are problems in the report, not failures.
     *
     * @throws DiagnosisException {@link DiagnosisException.Kind#NOTHING_READ} when nothing in them can be read, with
     *     each input's problem in the message
     */
    public Report analyze(AnalyzeRequest request) throws DiagnosisException {
        return withinHeap(request, () -> analyzeWithinHeap(request));
    }

    /** Work over captures people gave, whose size they chose. */
    private interface Reading<T> {
        T read() throws DiagnosisException;
    }

    /** {@code reading}, with running out of heap on those captures said as a refusal of them. */
    private static <T> T withinHeap(AnalyzeRequest request, Reading<T> reading) throws DiagnosisException {
        try {
            return reading.read();
        } catch (OutOfMemoryError e) {
            // what was read is garbage once this frame is gone: the process goes on serving others
            throw new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, MemoryGuard.outOfMemory("reading "
                    + request.target()));
        }
    }

    /** The snapshot of the request's captures, read into {@code reader}; refused when they hold nothing. */
    private static JvmSnapshot captures(SnapshotReader reader, AnalyzeRequest request, long[] nanos)
            throws DiagnosisException {
        readAll(reader, request.inputs(), nanos);
        JvmSnapshot snapshot = reader.snapshot();
        if (snapshot.isEmpty()) {
            throw new DiagnosisException(DiagnosisException.Kind.NOTHING_READ, "nothing could be analysed:\n"
                    + (snapshot.problems().isEmpty() ? "  the inputs hold no capture"
                    : String.join("\n", snapshot.problems().stream().map(p -> "  " + p).toList())));
        }
        return snapshot;
    }

    private Report analyzeWithinHeap(AnalyzeRequest request) throws DiagnosisException {
        SnapshotReader reader = new SnapshotReader(request.target());
        long[] nanos = new long[2];
        JvmSnapshot snapshot = captures(reader, request, nanos);
        Optional<JvmSnapshot> sibling = Optional.empty();
        if (!request.sibling().isEmpty()) {
            SnapshotReader siblingReader = new SnapshotReader(String.join(" ",
                    request.sibling().stream().map(CaptureInput::name).toList()));
            readAll(siblingReader, request.sibling(), nanos);
            JvmSnapshot s = siblingReader.snapshot();
            if (s.isEmpty()) {
                throw new DiagnosisException(DiagnosisException.Kind.NOTHING_READ, "the sibling's captures hold nothing"
                        + " to compare with:\n" + String.join("\n", s.problems().stream().map(p -> "  " + p).toList()));
            }
            sibling = Optional.of(s);
        }
        Map<String, Duration> timings = new LinkedHashMap<>();
        timings.put("read", Duration.ofNanos(nanos[0]));
        timings.put("parse", Duration.ofNanos(nanos[1]));
        return new Report(Diagnoser.diagnose(request.target(), snapshot, sibling, playbooks(request.playbookDirs()),
                timings, List.of()), snapshot, reader.reads(), List.of());
    }

    /**
     * Why the playbook {@code id} fires or not on the captures of {@code request} (the team directories it names loaded
     * over the built-ins, as in a diagnosis), step by step: for the playbook's author.
     *
     * @throws DiagnosisException BAD_REQUEST when no playbook has that id (with the ids that come close), NOTHING_READ
     *     when the captures hold nothing
     */
    public dev.sage.engine.Explainer.Explanation explain(String id, AnalyzeRequest request) throws DiagnosisException {
        return withinHeap(request, () -> explainWithinHeap(id, request));
    }

    private dev.sage.engine.Explainer.Explanation explainWithinHeap(String id, AnalyzeRequest request)
            throws DiagnosisException {
        if (!PlaybookLoader.validId(id)) {
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, "'" + id + "' is not a playbook id:"
                    + " lower-case letters, digits and dashes");
        }
        PlaybookLoader.Loaded loaded = playbooks(request.playbookDirs());
        Optional<dev.sage.playbook.Playbook> playbook = loaded.playbooks().stream().filter(p -> p.id().equals(id)).findFirst();
        if (playbook.isEmpty()) {
            // a refused file named after the id is most likely its file
            List<String> refused = loaded.errors().stream().filter(e -> {
                String name = Path.of(e.file()).getFileName().toString();
                return name.equals(id + ".yaml") || name.equals(id + ".yml");
            }).map(Object::toString).toList();
            String why = loaded.disabled().contains(id) ? "'" + id + "' is disabled by a team file"
                    : !refused.isEmpty() ? "no playbook '" + id + "' is loaded; its file was refused: " + String.join("; ", refused)
                    : "no playbook '" + id + "' is loaded";
            List<String> close = loaded.playbooks().stream().map(dev.sage.playbook.Playbook::id)
                    .filter(x -> x.contains(id) || id.contains(x) || x.startsWith(id.substring(0, Math.min(3, id.length()))))
                    .limit(5).toList();
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, why
                    + (close.isEmpty() ? "" : "; close: " + String.join(", ", close)));
        }
        JvmSnapshot snapshot = captures(new SnapshotReader(request.target()), request, new long[2]);
        return dev.sage.engine.Explainer.explain(playbook.get(), snapshot);
    }

    /** Reads the inputs one at a time into {@code reader}; adds read and parse nanoseconds to {@code nanos}. */
    private static void readAll(SnapshotReader reader, List<CaptureInput> inputs, long[] nanos) {
        for (CaptureInput in : inputs) {
            long t0 = System.nanoTime();
            byte[] bytes;
            try {
                bytes = in.read();
            } catch (IOException e) {
                reader.problem(new Problem(in.name(), 0, e.getMessage()));
                continue;
            } finally {
                nanos[0] += System.nanoTime() - t0;
            }
            long t1 = System.nanoTime();
            reader.add(in.name(), bytes);
            nanos[1] += System.nanoTime() - t1;
        }
    }

    /** Refuses options that do not fit the target, bad values, and what is out of scope, before anything is contacted. */
    private void check(DiagnoseRequest r) throws DiagnosisException {
        try {
            checkOptions(r);
        } catch (IllegalArgumentException e) {
            throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage());
        }
        if (!(r.target() instanceof Target.Pod)) {
            String refusal = settings.scope().refusal(r.target(), "", "");
            if (refusal != null) {
                throw new DiagnosisException(DiagnosisException.Kind.NOT_ALLOWED, refusal);
            }
        }
    }

    private static void checkOptions(DiagnoseRequest r) {
        CollectionPlan plan = r.plan();
        if (plan.rounds() > 100) {
            throw new IllegalArgumentException("--rounds must be between 1 and 100");
        }
        if (r.pid().isPresent() && r.pid().get() <= 0) {
            throw new IllegalArgumentException("--pid must be a positive number");
        }
        boolean pod = r.target() instanceof Target.Pod;
        if (!pod && (r.namespace().isPresent() || r.container().isPresent() || r.context().isPresent()
                || r.compare().isPresent() || r.ladder().allowSigquit())) {
            throw new IllegalArgumentException("-n, -c, --context, --compare and --allow-sigquit are for pods (pod/NAME)");
        }
        boolean ssh = r.target() instanceof Target.Ssh || r.target() instanceof Target.HostGroup;
        if (!ssh && r.sudoUser().isPresent()) {
            throw new IllegalArgumentException("--sudo-user is for SSH targets (ssh://USER@HOST, hosts/GROUP)");
        }
        if (r.target() instanceof Target.Local l && l.pid().isPresent() && r.pid().isPresent()) {
            throw new IllegalArgumentException("give the pid once: local:PID or --pid");
        }
        r.namespace().ifPresent(Names::namespace);
        r.container().ifPresent(Names::container);
        r.compare().filter(c -> !c.equals("auto")).ifPresent(DiagnosisService::comparedPod);
        r.sudoUser().ifPresent(Names::user);
        if (pod) {
            r.ladder().debugImage().ifPresent(Names::image);
        }
    }

    /** The pod {@code compare} names (not {@code auto}): {@code pod/NAME} or {@code NAME}, checked. */
    private static String comparedPod(String compare) {
        if (Target.parse(compare, true) instanceof Target.Pod p) {
            return p.name();
        }
        throw new IllegalArgumentException("--compare takes auto or a pod of the same service, not " + compare);
    }

    private Report local(Target.Local l, DiagnoseRequest r, Progress progress) throws CollectionException {
        Transport transport = new LocalTransport();
        Optional<Long> which = l.pid().isPresent() ? l.pid() : r.pid();
        return collect(transport, new JvmDiscovery(transport, ProcessHandle.current().pid()), which, r.mainClass(), r,
                "", progress);
    }

    /** One SSH host: the target itself, or a host of a group; the scope was checked for either at the door. */
    private Report ssh(Target.Ssh s, Optional<String> sudo, Optional<String> main, DiagnoseRequest r, Progress progress)
            throws CollectionException {
        SshSettings ssh = settings.ssh();
        Duration timeout = r.plan().timeout();
        progress.step("connecting to " + s.host() + " over SSH");
        try (SshTransport connection = SshTransport.connect(s.user(), s.host(), s.port(), ssh.config(), ssh.knownHosts(),
                ssh.identities(), Duration.ofSeconds(Math.min(timeout.toSeconds(), 20)))) {
            Transport transport = sudo.isEmpty() ? connection : new SudoTransport(connection, sudo.get());
            return collect(transport, new JvmDiscovery(transport, -1), r.pid(), main, r, transport.describe() + " ",
                    progress);
        }
    }

    private Report collect(Transport transport, JvmDiscovery discovery, Optional<Long> which, Optional<String> main,
                           DiagnoseRequest r, String prefix, Progress progress) throws CollectionException {
        Map<String, Duration> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        progress.step("looking for the JVM on " + transport.describe());
        JvmProcess jvm = discovery.select(which, main);
        timings.put("find the JVM", Duration.ofNanos(System.nanoTime() - t0));
        String target = prefix + name(jvm);
        progress.found(jvm);
        recording(r, progress);
        Collector.Result result = new Collector(transport).collect(jvm, r.plan(), progress.rounds(target));
        timings.putAll(result.timings());
        return judge(target, result.snapshot(), Optional.empty(), timings, result.notes(), result.raw(), progress.playbooks());
    }

    private Report pod(Target.Pod p, DiagnoseRequest r, Progress progress) throws CollectionException, DiagnosisException {
        try (KubeCluster cluster = cluster(p, r, progress)) {
            String ns = namespace(cluster, p, r);
            progress.resolved(cluster.context(), ns);
            PodCollector collector = new PodCollector(cluster);
            KubeCluster.Resolved pod = cluster.resolve(ns, p.name());
            progress.step("pod " + pod.name() + " found in " + ns);
            recording(r, progress);
            PodCollector.Outcome outcome = collector.collect(pod, r.container(), r.pid(), r.mainClass(), r.plan(),
                    r.ladder(), progress.rounds("pod/" + pod.name() + " -n " + ns));
            KubeCluster.Located at = outcome.at();
            Collector.Result result = outcome.result();
            Map<String, Duration> timings = new LinkedHashMap<>(result.timings());
            List<String> notes = new ArrayList<>(result.notes());
            Optional<JvmSnapshot> sibling = Optional.empty();
            if (r.compare().isPresent()) {
                long t1 = System.nanoTime();
                String compare = r.compare().get();
                KubeCluster.Resolved other = compare.equals("auto") ? cluster.healthySibling(pod)
                        : cluster.resolve(ns, comparedPod(compare));
                if (other.name().equals(pod.name())) {
                    throw new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, "the pod to compare with is the"
                            + " pod being diagnosed; give another pod of the same service, or auto");
                }
                progress.step("collecting from " + other.name() + " to compare");
                // nobody asked for the sibling to get a debug container or a signal: jcmd or jattach only
                sibling = Optional.of(collector.collect(other, Optional.of(outcome.container()), Optional.empty(),
                                r.mainClass(), r.plan().withRounds(1, r.plan().interval()).withProfile(Optional.empty()),
                                PodCollector.Options.NONE)
                        .result().snapshot());
                notes.add(other.note().isEmpty() ? "compared with pod " + other.name() : other.note());
                timings.put("sibling " + other.name(), Duration.ofNanos(System.nanoTime() - t1));
            }
            return judge(at.transport().describe() + " " + name(at.jvm()), result.snapshot(), sibling, timings, notes,
                    result.raw(), progress.playbooks());
        }
    }

    /** Tells that the collection records a profile after its rounds, when it does: it then lasts that much longer. */
    private static void recording(DiagnoseRequest r, Progress progress) {
        r.plan().profile().ifPresent(d -> progress.step("then recording with JDK Flight Recorder for " + d.toSeconds()
                + " s"));
    }

    /** The cluster a pod request names, once a context it names is known to be in scope. */
    private KubeCluster cluster(Target.Pod p, DiagnoseRequest r, Progress progress) throws CollectionException,
            DiagnosisException {
        // a context named in the request is checked before the kubeconfig is even read for it
        if (r.context().isPresent()) {
            String early = settings.scope().refusal(p, r.context().get(), r.namespace().orElse(null));
            if (early != null) {
                throw new DiagnosisException(DiagnosisException.Kind.NOT_ALLOWED, early);
            }
        }
        progress.step("connecting to the cluster" + r.context().map(c -> " " + c).orElse(""));
        return KubeCluster.connect(r.context(), r.plan().timeout());
    }

    /** The pod's namespace (the request's, or the context's default), refused when out of scope. */
    private String namespace(KubeCluster cluster, Target.Pod p, DiagnoseRequest r) throws DiagnosisException {
        String ns = r.namespace().orElseGet(cluster::defaultNamespace);
        // a request that names no context is in the default one, which the scope may also list by its name
        String refusal = settings.scope().refusal(p, r.context().orElse(""), ns);
        if (refusal != null && r.context().isEmpty() && settings.scope().refusal(p, cluster.context(), ns) == null) {
            refusal = null;
        }
        if (refusal != null) {
            throw new DiagnosisException(DiagnosisException.Kind.NOT_ALLOWED, refusal);
        }
        return ns;
    }

    private static Report judge(String target, JvmSnapshot snapshot, Optional<JvmSnapshot> sibling,
                                Map<String, Duration> timings, List<String> notes, List<SnapshotReader.Raw> raw,
                                PlaybookLoader.Loaded playbooks) {
        return new Report(Diagnoser.diagnose(target, snapshot, sibling, playbooks, timings, notes), snapshot, List.of(), raw);
    }

    private static String name(JvmProcess jvm) {
        return "pid " + jvm.pid() + (jvm.mainClass().isEmpty() ? "" : " (" + jvm.mainClass() + ")");
    }

    /**
     * One diagnosis under way: its playbooks, read once for every round and host it judges, and its listener, whose
     * exceptions are swallowed. Used by the one thread that runs the diagnosis.
     */
    private final class Progress {
        private final DiagnosisListener listener;
        private DiagnoseRequest request;
        private String context = "";
        private PlaybookLoader.Loaded playbooks;

        Progress(DiagnosisListener listener, DiagnoseRequest request) {
            this.listener = listener;
            this.request = request;
        }

        /** A pod's namespace and context are known: the directories bound to them are chosen with them. */
        void resolved(String context, String namespace) {
            this.request = request.withNamespace(Optional.of(namespace));
            this.context = context;
            this.playbooks = null;
        }

        /** The playbooks that judge this diagnosis, chosen (and team files read) once, when first needed. */
        PlaybookLoader.Loaded playbooks() {
            if (playbooks == null) {
                playbooks = scoped(request, context);
            }
            return playbooks;
        }

        void step(String what) {
            try {
                listener.step(what);
            } catch (RuntimeException ignored) {
                // progress must never cost the diagnosis
            }
        }

        void found(JvmProcess jvm) {
            long uid = jvm.facts() == null || jvm.facts().status() == null ? -1 : jvm.facts().status().uid();
            step("JVM " + name(jvm) + (uid >= 0 ? " as uid " + uid : ""));
        }

        Collector.RoundListener rounds(String target) {
            return (round, rounds, soFar) -> {
                step("round " + round + " of " + rounds + " collected");
                Report partial = judge(target, soFar, Optional.empty(), Map.of(), List.of(), List.of(), playbooks());
                try {
                    listener.roundJudged(round, rounds, partial);
                } catch (RuntimeException ignored) {
                    // as above
                }
            };
        }
    }
}
