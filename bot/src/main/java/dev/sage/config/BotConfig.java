package dev.sage.config;

import dev.sage.access.Access;
import dev.sage.alerts.AlertIntake;
import dev.sage.collect.CollectionPlan;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bot's configuration ({@code sage bot --config sage.yaml}), read once at start: Slack's tokens, what the bot may
 * touch (Kubernetes contexts and namespaces, host groups, this machine), team playbook directories, and the default
 * collection plan. {@code ${NAME}} (or {@code ${NAME:-default}}) is replaced by the environment variable, so that
 * secrets stay out of the file. An unknown key, a bad value or a missing variable is refused with the file, the line,
 * the key and the reason. Immutable.
 *
 * @param slack the app's credentials and the Web API's address
 * @param kubernetes the contexts and namespaces the bot may reach, and the defaults for a bare pod name
 * @param ssh how SSH hosts are reached
 * @param hostGroups the host groups file and the groups the bot may reach
 * @param local whether the bot may diagnose JVMs on its own machine ({@code local:PID})
 * @param playbooks team playbook directories, loaded over the built-ins, each for every target or for those it names
 * @param collection the plan a mention runs, and the opt-in ways down the no-jcmd ladder
 * @param limits how much the bot takes on at once
 * @param access who may do what where (default deny: with no rule, nobody may run anything on a target)
 * @param auditFile where every request, refusal and command is appended, one JSON object per line
 * @param alerts Alertmanager's webhook: which alerts are diagnosed, and where the answer goes
 * @param actions the actions offered as buttons under a finding that suggests one, to people the rules let {@code act}
 * @param digests the fleet health digests, posted on their schedules
 * @param history where digests keep each target's figures for trends
 */
public record BotConfig(Slack slack, Kubernetes kubernetes, Ssh ssh, HostGroupsConfig hostGroups, boolean local,
                        List<PlaybookDir> playbooks, Collection collection, Limits limits, Access access, Path auditFile,
                        Alerts alerts, Actions actions, List<dev.sage.digest.DigestSpec> digests, HistoryStore history) {
    public BotConfig {
        digests = List.copyOf(digests);
    }

    /**
     * @param url a JDBC URL; empty: no history is kept
     * @param retention how long rows are kept
     */
    public record HistoryStore(String url, String user, String password, Duration retention) {
        public boolean on() {
            return !url.isEmpty();
        }

        /** A database several replicas share (PostgreSQL): the history, and one clustered digest schedule. */
        public boolean shared() {
            return url.startsWith("jdbc:postgresql:");
        }

        /** An H2 file beside the audit, which the command line may open while the bot has it (AUTO_SERVER). */
        static HistoryStore beside(Path auditFile) {
            Path dir = auditFile.toAbsolutePath().getParent();
            return new HistoryStore("jdbc:h2:file:" + dir.resolve("sage-history") + ";AUTO_SERVER=TRUE", "sa", "",
                    Duration.ofDays(90));
        }
    }

    /** The digest named {@code name}, if the configuration has it. */
    public Optional<dev.sage.digest.DigestSpec> digest(String name) {
        return digests.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * @param offered the actions offered; a heap dump only with {@code heapDumpDir}
     * @param heapDumpDir the directory on the target where heap dumps are written; none: no heap dumps
     */
    public record Actions(Set<dev.sage.service.SafeAction> offered, Optional<String> heapDumpDir) {
        public Actions {
            offered = offered.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(offered));
        }

        static final Actions DEFAULT = new Actions(java.util.EnumSet.of(dev.sage.service.SafeAction.TRIM_NATIVE_HEAP,
                dev.sage.service.SafeAction.GC_RUN, dev.sage.service.SafeAction.THREAD_DUMP), Optional.empty());
    }

    /**
     * @param token the bearer token Alertmanager sends ({@code http_config.authorization}); empty: {@code /alerts} is off
     * @param port where {@code /alerts}, {@code /metrics} and {@code /healthz} listen in Socket Mode (in HTTP mode they
     *     are served on the {@code --http} port)
     * @param repeatAfter an alert firing again within this is not diagnosed again
     * @param routes where each alert's diagnosis goes: the first route that takes it
     */
    public record Alerts(String token, int port, Duration repeatAfter, List<AlertIntake.Route> routes) {
        public boolean on() {
            return !token.isEmpty();
        }
    }

    /** {@code apiUrl} ends with {@code /api/}. Tokens may be empty when the mode that needs them is not used. */
    public record Slack(String botToken, String appToken, String signingSecret, String apiUrl) {}

    /**
     * @param contexts allowed kubeconfig contexts ({@code ""} for the current one), each with the namespace globs it allows
     * @param defaultContext the context for a pod named without one ({@code ""}: the current one)
     * @param defaultNamespace the namespace for a pod named without one ({@code ""}: the context's)
     */
    public record Kubernetes(Map<String, List<String>> contexts, String defaultContext, String defaultNamespace) {}

    public record Ssh(Optional<Path> config, Optional<Path> knownHosts, List<Path> identities) {}

    /** @param allowed globs of the group names the bot may diagnose */
    public record HostGroupsConfig(Optional<Path> file, List<String> allowed) {}

    /**
     * @param rounds rounds per mention: two or more let growth and "stuck" be judged
     * @param interval the pause between rounds
     * @param timeout each command's deadline on the target
     * @param histogram whether to take a class histogram (a heap walk at a safepoint)
     */
    public record Collection(int rounds, Duration interval, Duration timeout, boolean histogram,
                             Optional<Path> copyJattach, Optional<String> debugImage, boolean allowSigquit) {}

    /**
     * @param concurrentDiagnoses diagnoses that run at once; more wait their turn
     * @param perKind the most of one kind of target at once ({@code pod}, {@code ssh}, {@code local}, {@code files}),
     *     and of profiles ({@code profile}, each holding its slot for its whole recording); a kind not named is limited
     *     by {@code concurrentDiagnoses} only, profiles by half of it
     * @param queued requests that may wait; more are refused with a "busy" reply
     * @param analyzeMaxBytes the largest file downloaded for {@code analyze}
     * @param perUser requests one person may make per minute (0: no limit)
     * @param perChannel requests one channel may make per minute (0: no limit)
     * @param deadline how long one diagnosis may run, rounds included, before it is stopped
     * @param shutdownGrace how long diagnoses under way get to finish when the bot stops
     */
    public record Limits(int concurrentDiagnoses, Map<String, Integer> perKind, int queued, long analyzeMaxBytes,
                         int perUser, int perChannel, Duration deadline, Duration shutdownGrace) {
        public static final Set<String> KINDS = Set.of("pod", "ssh", "local", "files", "profile");

        public Limits {
            perKind = Map.copyOf(perKind);
        }

        /**
         * The limits per kind the pool applies: those configured, and for profiles, unless configured, half the
         * concurrent diagnoses (at least one), so that profiles never hold every slot a diagnosis needs.
         */
        public Map<String, Integer> perKindInForce() {
            Map<String, Integer> out = new java.util.TreeMap<>(perKind);
            out.putIfAbsent("profile", Math.max(1, concurrentDiagnoses / 2));
            return Map.copyOf(out);
        }
    }

    /** A configuration with nothing in it: no target may be touched; tokens from the environment. */
    public static BotConfig empty(Function<String, String> env) {
        return new BotConfig(new Slack(orEmpty(env, "SLACK_BOT_TOKEN"), orEmpty(env, "SLACK_APP_TOKEN"),
                orEmpty(env, "SLACK_SIGNING_SECRET"), apiUrl(orEmpty(env, "SAGE_SLACK_API_URL"))),
                new Kubernetes(Map.of(), "", ""), new Ssh(Optional.empty(), Optional.empty(), List.of()),
                new HostGroupsConfig(Optional.empty(), List.of()), false, List.of(),
                new Collection(CollectionPlan.STANDARD_ROUNDS, CollectionPlan.STANDARD_INTERVAL, Duration.ofSeconds(60), true, Optional.empty(), Optional.empty(),
                        false),
                new Limits(4, Map.of(), 50, 64L << 20, 10, 30, Duration.ofMinutes(5), Duration.ofSeconds(30)), Access.NONE, Path.of("sage-audit.jsonl"),
                new Alerts("", 9095, Duration.ofMinutes(30), List.of()), Actions.DEFAULT, List.of(),
                HistoryStore.beside(Path.of("sage-audit.jsonl")));
    }

    /**
     * Reads and checks {@code file}.
     *
     * @param env the environment for {@code ${NAME}}
     * @throws IllegalArgumentException naming the file, the line, the key and the reason
     */
    public static BotConfig load(Path file, Function<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text, env);
    }

    /** As {@link #load}, from text; {@code name} is the file name for messages. */
    public static BotConfig parse(String name, String text, Function<String, String> env) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": not YAML: " + e.getMessage().replace('\n', ' '));
        }
        Reader r = new Reader(name, env);
        BotConfig defaults = empty(env);
        if (root == null) {
            return defaults;
        }
        Map<String, Node> top = r.mapping(root, "", Set.of("slack", "kubernetes", "ssh", "host_groups", "local",
                "playbooks", "collection", "limits", "access", "audit", "alerts", "actions", "digests", "history"));

        Map<String, Node> s = r.mapping(top.get("slack"), "slack", Set.of("bot_token", "app_token", "signing_secret", "api_url"));
        Slack slack = new Slack(r.text(s, "slack.bot_token").orElse(defaults.slack().botToken()),
                r.text(s, "slack.app_token").orElse(defaults.slack().appToken()),
                r.text(s, "slack.signing_secret").orElse(defaults.slack().signingSecret()),
                r.text(s, "slack.api_url").map(BotConfig::apiUrl).orElse(defaults.slack().apiUrl()));

        Map<String, Node> k = r.mapping(top.get("kubernetes"), "kubernetes", Set.of("contexts", "default_context",
                "default_namespace"));
        Map<String, List<String>> contexts = new LinkedHashMap<>();
        Node ctxNode = k.get("contexts");
        if (ctxNode != null) {
            if (!(ctxNode instanceof SequenceNode seq)) {
                throw r.error(ctxNode, "kubernetes.contexts", "must be a list of {context, namespaces}");
            }
            for (Node item : seq.getValue()) {
                Map<String, Node> c = r.mapping(item, "kubernetes.contexts[]", Set.of("context", "namespaces"));
                String context = r.text(c, "kubernetes.contexts[].context").orElse("");
                List<String> namespaces = r.list(c.get("namespaces"), "kubernetes.contexts[].namespaces");
                if (namespaces.isEmpty()) {
                    throw r.error(item, "kubernetes.contexts[].namespaces", "must list at least one namespace or glob"
                            + " (e.g. [prod, \"payments-*\"])");
                }
                namespaces.forEach(n -> r.glob(c.get("namespaces"), "kubernetes.contexts[].namespaces", n));
                if (contexts.put(context, namespaces) != null) {
                    throw r.error(item, "kubernetes.contexts[].context", (context.isEmpty() ? "the default context"
                            : "context " + context) + " is listed twice: list its namespaces once");
                }
            }
        }
        Kubernetes kube = new Kubernetes(contexts, r.text(k, "kubernetes.default_context").orElse(""),
                r.text(k, "kubernetes.default_namespace").orElse(""));

        Map<String, Node> sh = r.mapping(top.get("ssh"), "ssh", Set.of("config", "known_hosts", "identities"));
        Ssh ssh = new Ssh(r.text(sh, "ssh.config").map(Path::of), r.text(sh, "ssh.known_hosts").map(Path::of),
                r.list(sh.get("identities"), "ssh.identities").stream().map(Path::of).toList());

        Map<String, Node> hg = r.mapping(top.get("host_groups"), "host_groups", Set.of("file", "allowed"));
        List<String> allowedGroups = r.list(hg.get("allowed"), "host_groups.allowed");
        for (String g : allowedGroups) {
            if (!g.matches("[A-Za-z0-9*?][A-Za-z0-9._*?-]{0,62}")) {
                throw r.error(hg.get("allowed"), "host_groups.allowed", "'" + g + "' is not a host group name or a glob"
                        + " of one (letters, digits, '.', '_', '-', '*', '?')");
            }
        }
        HostGroupsConfig groups = new HostGroupsConfig(r.text(hg, "host_groups.file").map(Path::of), allowedGroups);

        boolean local = r.bool(top, "local").orElse(false);
        List<PlaybookDir> playbooks = playbookDirs(r, top.get("playbooks"));

        Map<String, Node> c = r.mapping(top.get("collection"), "collection", Set.of("rounds", "interval", "timeout",
                "histogram", "copy_jattach", "debug_image", "allow_sigquit"));
        Collection d = defaults.collection();
        int rounds = r.integer(c, "collection.rounds", 1, 10).orElse(d.rounds());
        Collection collection = new Collection(rounds, r.duration(c, "collection.interval").orElse(d.interval()),
                r.duration(c, "collection.timeout").orElse(d.timeout()), r.bool(c, "collection.histogram").orElse(true),
                r.text(c, "collection.copy_jattach").filter(x -> !x.isBlank()).map(Path::of),
                r.text(c, "collection.debug_image").filter(x -> !x.isBlank()), r.bool(c, "collection.allow_sigquit").orElse(false));

        Map<String, Node> l = r.mapping(top.get("limits"), "limits", Set.of("concurrent_diagnoses", "per_kind", "queued",
                "analyze_max_mib", "per_user_per_minute", "per_channel_per_minute", "deadline", "shutdown_grace"));
        Map<String, Node> pk = r.mapping(l.get("per_kind"), "limits.per_kind", Limits.KINDS);
        Map<String, Integer> perKind = new java.util.TreeMap<>();
        for (String kind : pk.keySet()) {
            r.integer(pk, "limits.per_kind." + kind, 1, 64).ifPresent(n -> perKind.put(kind, n));
        }
        Limits d0 = defaults.limits();
        Limits limits = new Limits(r.integer(l, "limits.concurrent_diagnoses", 1, 64).orElse(d0.concurrentDiagnoses()),
                perKind,
                r.integer(l, "limits.queued", 0, 10_000).orElse(d0.queued()),
                r.integer(l, "limits.analyze_max_mib", 1, 1024).map(mib -> (long) mib << 20).orElse(d0.analyzeMaxBytes()),
                r.integer(l, "limits.per_user_per_minute", 0, 10_000).orElse(d0.perUser()),
                r.integer(l, "limits.per_channel_per_minute", 0, 10_000).orElse(d0.perChannel()),
                r.duration(l, "limits.deadline").orElse(d0.deadline()),
                r.duration(l, "limits.shutdown_grace").orElse(d0.shutdownGrace()));
        Access access = access(r, top.get("access"));
        Map<String, Node> au = r.mapping(top.get("audit"), "audit", Set.of("file"));
        Path auditFile = r.text(au, "audit.file").filter(x -> !x.isBlank()).map(Path::of).orElse(defaults.auditFile());
        return new BotConfig(slack, kube, ssh, groups, local, playbooks, collection, limits, access, auditFile,
                alerts(r, top.get("alerts"), defaults.alerts()), actions(r, top.get("actions")),
                digests(r, top.get("digests")), history(r, top.get("history"), HistoryStore.beside(auditFile)));
    }

    /** {@code alerts:}: the webhook's token and port, and the routes from alerts to channels. */
    private static HistoryStore history(Reader r, Node node, HistoryStore beside) {
        Map<String, Node> h = r.mapping(node, "history", Set.of("url", "user", "password", "retention"));
        String url = r.text(h, "history.url").map(String::strip).orElse(beside.url());
        if (!url.isEmpty() && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw r.error(h.get("url"), "history.url", "must be a jdbc:h2: URL (an H2 file, e.g."
                    + " jdbc:h2:file:/var/lib/sage/sage-history), a jdbc:postgresql: URL (a database several replicas"
                    + " share), or \"\" for no history");
        }
        Duration retention = r.text(h, "history.retention").map(v -> {
            try {
                return Durations.days(v);
            } catch (IllegalArgumentException e) {
                throw r.error(h.get("retention"), "history.retention", e.getMessage());
            }
        }).orElse(beside.retention());
        return new HistoryStore(url, r.text(h, "history.user").orElse(url.startsWith("jdbc:h2:") ? "sa" : ""),
                r.text(h, "history.password").orElse(""), retention);
    }

    private static final Pattern DIGEST_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final Pattern CHANNEL_ID = Pattern.compile("[CG][A-Z0-9]{2,20}");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A label selector's characters: keys, values, operators, sets ({@code app=orders,tier in (web,api),!canary}). */
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9=!,._/ ()-]{0,300}");

    private static List<dev.sage.digest.DigestSpec> digests(Reader r, Node node) {
        List<dev.sage.digest.DigestSpec> out = new ArrayList<>();
        if (node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            throw r.error(node, "digests", "must be a list of digests");
        }
        for (Node item : seq.getValue()) {
            String k = "digests[]";
            Map<String, Node> m = r.mapping(item, k, Set.of("name", "cron", "time_zone", "channel", "targets", "histogram",
                    "concurrency", "per_target", "deadline"));
            String name = r.text(m, k + ".name").orElseThrow(() -> r.error(item, k, "needs a name"));
            if (!DIGEST_NAME.matcher(name).matches()) {
                throw r.error(m.get("name"), k + ".name", "'" + name + "' is not a digest name (lower-case letters, digits, '-')");
            }
            if (out.stream().anyMatch(d -> d.name().equals(name))) {
                throw r.error(m.get("name"), k + ".name", "'" + name + "' is given twice");
            }
            String cron = r.text(m, k + ".cron").orElseThrow(() -> r.error(item, k, "needs a cron expression"));
            try {
                new org.quartz.CronExpression(cron);
            } catch (java.text.ParseException e) {
                throw r.error(m.get("cron"), k + ".cron", "'" + cron + "' is not a Quartz cron expression ("
                        + e.getMessage() + "); it has seconds first: \"0 0 9 ? * MON-FRI\" is 09:00 on weekdays");
            }
            java.time.ZoneId zone;
            try {
                zone = r.text(m, k + ".time_zone").map(java.time.ZoneId::of).orElse(java.time.ZoneOffset.UTC);
            } catch (java.time.DateTimeException e) {
                throw r.error(m.get("time_zone"), k + ".time_zone", "is not a time zone (e.g. Europe/Paris, UTC)");
            }
            String channel = r.text(m, k + ".channel").orElseThrow(() -> r.error(item, k, "needs a channel id"));
            if (!CHANNEL_ID.matcher(channel).matches()) {
                throw r.error(m.get("channel"), k + ".channel", "'" + channel + "' is not a channel id (C… or G…)");
            }
            Map<String, Node> t = r.mapping(m.get("targets"), k + ".targets", Set.of("local", "host_groups", "kubernetes"));
            boolean local = r.bool(t, k + ".targets.local").orElse(false);
            List<String> groups = r.list(t.get("host_groups"), k + ".targets.host_groups");
            List<dev.sage.digest.DigestSpec.Pods> pods = new ArrayList<>();
            Node kube = t.get("kubernetes");
            if (kube instanceof SequenceNode ks) {
                for (Node p : ks.getValue()) {
                    String pk = k + ".targets.kubernetes[]";
                    Map<String, Node> pm = r.mapping(p, pk, Set.of("context", "namespaces", "selector"));
                    List<String> namespaces = r.list(pm.get("namespaces"), pk + ".namespaces");
                    if (namespaces.isEmpty()) {
                        throw r.error(p, pk, "needs namespaces");
                    }
                    for (String ns : namespaces) {
                        if (!NAMESPACE.matcher(ns).matches()) {
                            throw r.error(pm.get("namespaces"), pk + ".namespaces", "'" + ns + "' is not a namespace");
                        }
                    }
                    String selector = r.text(pm, pk + ".selector").orElse("");
                    if (!SELECTOR.matcher(selector).matches()) {
                        throw r.error(pm.get("selector"), pk + ".selector", "'" + selector + "' is not a label selector");
                    }
                    pods.add(new dev.sage.digest.DigestSpec.Pods(r.text(pm, pk + ".context").filter(c -> !c.isBlank()),
                            namespaces, selector));
                }
            } else if (kube != null && !(kube instanceof ScalarNode ns && ns.getTag().equals(Tag.NULL))) {
                throw r.error(kube, k + ".targets.kubernetes", "must be a list of {context, namespaces, selector}");
            }
            if (!local && groups.isEmpty() && pods.isEmpty()) {
                throw r.error(item, k + ".targets", "names no target: set local, host_groups or kubernetes");
            }
            Duration perTarget = r.duration(m, k + ".per_target").orElse(Duration.ofSeconds(60));
            Duration deadline = r.duration(m, k + ".deadline").orElse(Duration.ofMinutes(10));
            if (perTarget.compareTo(deadline) > 0) {
                throw r.error(m.getOrDefault("per_target", item), k + ".per_target", "is longer than the digest's deadline");
            }
            out.add(new dev.sage.digest.DigestSpec(name, cron, zone, channel,
                    new dev.sage.digest.DigestSpec.Targets(local, groups, pods),
                    r.bool(m, k + ".histogram").orElse(false), r.integer(m, k + ".concurrency", 1, 64).orElse(8),
                    perTarget, deadline));
        }
        return out;
    }

    private static Actions actions(Reader r, Node node) {
        Map<String, Node> a = r.mapping(node, "actions", Set.of("offer", "heap_dump_dir"));
        Optional<String> dir = r.text(a, "actions.heap_dump_dir").filter(d -> !d.isBlank());
        if (dir.isPresent() && (!dir.get().matches("/[A-Za-z0-9/_.-]{0,200}") || dir.get().contains(".."))) {
            throw r.error(a.get("heap_dump_dir"), "actions.heap_dump_dir", "must be an absolute directory on the target,"
                    + " of letters, digits and / _ . - only");
        }
        java.util.Set<dev.sage.service.SafeAction> offered = java.util.EnumSet.noneOf(dev.sage.service.SafeAction.class);
        if (a.containsKey("offer")) {
            for (String w : r.list(a.get("offer"), "actions.offer")) {
                dev.sage.service.SafeAction action = dev.sage.service.SafeAction.of(w);
                if (action == null) {
                    throw r.error(a.get("offer"), "actions.offer", "'" + w + "' is not an action (known: trim_native_heap,"
                            + " gc_run, thread_dump, heap_dump)");
                }
                offered.add(action);
            }
        } else {
            offered.addAll(Actions.DEFAULT.offered());
        }
        if (dir.isPresent()) {
            offered.add(dev.sage.service.SafeAction.HEAP_DUMP);
        } else if (offered.contains(dev.sage.service.SafeAction.HEAP_DUMP)) {
            throw r.error(a.get("offer"), "actions.offer", "heap_dump needs actions.heap_dump_dir: where on the target"
                    + " the dump is written");
        }
        return new Actions(offered, dir);
    }

    private static Alerts alerts(Reader r, Node node, Alerts defaults) {
        Map<String, Node> a = r.mapping(node, "alerts", Set.of("token", "port", "repeat_after", "routes"));
        String token = r.text(a, "alerts.token").orElse("");
        List<AlertIntake.Route> routes = new ArrayList<>();
        Node rn = a.get("routes");
        if (rn != null && !(rn instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
            if (!(rn instanceof SequenceNode seq)) {
                throw r.error(rn, "alerts.routes", "must be a list of {receiver, labels, channel}");
            }
            for (Node item : seq.getValue()) {
                String k = "alerts.routes[]";
                Map<String, Node> m = r.mapping(item, k, Set.of("receiver", "labels", "channel"));
                String channel = r.text(m, k + ".channel").orElse("");
                if (!channel.matches("[CG][A-Z0-9]{1,20}")) {
                    throw r.error(item, k + ".channel", "must be a channel id (C…, from the channel's details)");
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (String l : r.list(m.get("labels"), k + ".labels")) {
                    int eq = l.indexOf('=');
                    if (eq <= 0) {
                        throw r.error(m.get("labels"), k + ".labels", "'" + l + "' is not name=value (e.g. team=payments)");
                    }
                    labels.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
                }
                String receiver = r.text(m, k + ".receiver").orElse("");
                if (receiver.isEmpty() && labels.isEmpty()) {
                    throw r.error(item, k, "takes every alert: name a receiver or labels");
                }
                routes.add(new AlertIntake.Route(receiver, labels, channel));
            }
        }
        if (!routes.isEmpty() && token.isEmpty()) {
            throw r.error(a.get("routes"), "alerts.token", "routes are listed but no token: set one (e.g. ${SAGE_ALERTS_TOKEN})"
                    + " and give Alertmanager the same as its webhook's bearer token");
        }
        return new Alerts(token, r.integer(a, "alerts.port", 1, 65535).orElse(defaults.port()),
                r.duration(a, "alerts.repeat_after").orElse(defaults.repeatAfter()), routes);
    }

    private static final Pattern SLACK_ID = Pattern.compile("[UWS][A-Z0-9]{1,20}");

    /**
     * A team playbook directory, and the targets its playbooks are for: every target when {@code scope} is empty, else
     * those the scope reaches (its kubernetes contexts and namespaces, host groups, this machine).
     */
    public record PlaybookDir(Path dir, Optional<Access.Rule> scope) {
        /** Whether its playbooks judge a diagnosis of {@code place}. */
        public boolean appliesTo(Access.Place place) {
            return scope.isEmpty() || scope.get().reaches(place);
        }
    }

    /** The directories of the playbook directories, in order. */
    public List<Path> playbookPaths() {
        return playbooks.stream().map(PlaybookDir::dir).toList();
    }

    /**
     * {@code playbooks:}: a list of directories, each a path (for every target) or {@code {dir, kubernetes, host_groups,
     * local}} (for those targets only, written as in an access rule).
     */
    private static List<PlaybookDir> playbookDirs(Reader r, Node node) {
        List<PlaybookDir> out = new ArrayList<>();
        if (node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            throw r.error(node, "playbooks", "must be a list of directories");
        }
        for (Node item : seq.getValue()) {
            if (item instanceof ScalarNode s) {
                out.add(new PlaybookDir(Path.of(s.getValue()), Optional.empty()));
                continue;
            }
            String k = "playbooks[]";
            Map<String, Node> m = r.mapping(item, k, Set.of("dir", "kubernetes", "host_groups", "local"));
            String dir = r.text(m, k + ".dir").orElseThrow(() -> r.error(item, k, "needs a dir"));
            Map<String, List<String>> kube = kubernetesReach(r, m.get("kubernetes"), k, "for this directory");
            List<String> groups = r.list(m.get("host_groups"), k + ".host_groups");
            boolean local = r.bool(m, "local").orElse(false);
            if (kube.isEmpty() && groups.isEmpty() && !local) {
                throw r.error(item, k, "names no target: list kubernetes namespaces, host_groups or local: true (or give"
                        + " the directory as a plain path for every target)");
            }
            out.add(new PlaybookDir(Path.of(dir), Optional.of(new Access.Rule(List.of(), List.of("*"), List.of(),
                    Set.of(Access.Action.DIAGNOSE), kube, groups, local))));
        }
        return out;
    }

    /**
     * {@code kubernetes: [{context, namespaces}]} of an access rule or a playbook directory: each context (empty: the
     * default one) to its namespace globs; a context listed twice is refused ({@code where}: "in this rule").
     */
    private static Map<String, List<String>> kubernetesReach(Reader r, Node kn, String k, String where) {
        Map<String, List<String>> kube = new LinkedHashMap<>();
        if (kn == null || kn instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return kube;
        }
        if (!(kn instanceof SequenceNode ks)) {
            throw r.error(kn, k + ".kubernetes", "must be a list of {context, namespaces}");
        }
        for (Node c : ks.getValue()) {
            Map<String, Node> cm = r.mapping(c, k + ".kubernetes[]", Set.of("context", "namespaces"));
            List<String> ns = r.list(cm.get("namespaces"), k + ".kubernetes[].namespaces");
            ns.forEach(n -> r.glob(cm.get("namespaces"), k + ".kubernetes[].namespaces", n));
            String context = r.text(cm, k + ".kubernetes[].context").orElse("");
            if (kube.put(context, ns) != null) {
                throw r.error(c, k + ".kubernetes[].context", (context.isEmpty() ? "the default context"
                        : "context " + context) + " is listed twice " + where + ": list its namespaces once");
            }
        }
        return kube;
    }

    /** {@code access:}: admins, and rules of who may do what where. */
    private static Access access(Reader r, Node node) {
        Map<String, Node> a = r.mapping(node, "access", Set.of("admins", "admins_channel", "rules"));
        String adminsChannel = r.text(a, "access.admins_channel").orElse("");
        if (!adminsChannel.isEmpty() && !CHANNEL_ID.matcher(adminsChannel).matches()) {
            throw r.error(a.get("admins_channel"), "access.admins_channel", "'" + adminsChannel
                    + "' is not a channel id (C… or G…, from the channel's details)");
        }
        List<String> admins = r.list(a.get("admins"), "access.admins");
        for (String id : admins) {
            if (!SLACK_ID.matcher(id).matches()) {
                throw r.error(a.get("admins"), "access.admins", "'" + id + "' is not a Slack user id (U…) or user group id (S…)");
            }
        }
        List<Access.Rule> rules = new ArrayList<>();
        Node rulesNode = a.get("rules");
        if (rulesNode != null && !(rulesNode instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
            if (!(rulesNode instanceof SequenceNode seq)) {
                throw r.error(rulesNode, "access.rules", "must be a list of rules");
            }
            for (Node item : seq.getValue()) {
                String k = "access.rules[]";
                Map<String, Node> m = r.mapping(item, k, Set.of("channels", "users", "groups", "may", "kubernetes",
                        "host_groups", "local"));
                List<String> users = r.list(m.get("users"), k + ".users");
                List<String> groups = r.list(m.get("groups"), k + ".groups");
                if (users.isEmpty() && groups.isEmpty()) {
                    throw r.error(item, k, "names nobody: list users (ids, or \"*\" for everyone) or groups (user group ids)");
                }
                for (String u : users) {
                    if (!u.equals("*") && !(SLACK_ID.matcher(u).matches() && !u.startsWith("S"))) {
                        throw r.error(m.get("users"), k + ".users", "'" + u + "' is not a Slack user id (U…) or \"*\"");
                    }
                }
                for (String g : groups) {
                    if (!(SLACK_ID.matcher(g).matches() && g.startsWith("S"))) {
                        throw r.error(m.get("groups"), k + ".groups", "'" + g + "' is not a Slack user group id (S…)");
                    }
                }
                for (String c : r.list(m.get("channels"), k + ".channels")) {
                    if (!(c.equals("*") || c.equals("dm") || c.matches("[CGD][A-Z0-9]{1,20}"))) {
                        throw r.error(m.get("channels"), k + ".channels", "'" + c + "' is not a channel id (C…, from the"
                                + " channel's details), \"dm\" or \"*\"");
                    }
                }
                Set<Access.Action> may = new java.util.LinkedHashSet<>();
                for (String w : r.list(m.get("may"), k + ".may")) {
                    Access.Action action = Access.Action.of(w);
                    if (action == null) {
                        throw r.error(m.get("may"), k + ".may", "'" + w + "' is not an action (diagnose, compare, watch,"
                                + " analyze, profile, act, digest)");
                    }
                    may.add(action);
                }
                if (may.isEmpty()) {
                    throw r.error(item, k + ".may", "must list what they may do (e.g. [diagnose, compare])");
                }
                Map<String, List<String>> kube = kubernetesReach(r, m.get("kubernetes"), k, "in this rule");
                rules.add(new Access.Rule(r.list(m.get("channels"), k + ".channels"), users, groups, may, kube,
                        r.list(m.get("host_groups"), k + ".host_groups"), r.bool(m, "local").orElse(false)));
            }
        }
        return new Access(admins, rules, adminsChannel);
    }

    private static String orEmpty(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null ? "" : v;
    }

    /** The Web API's base URL, ending in {@code /api/}: {@code https://slack.com/api/} unless configured. */
    static String apiUrl(String configured) {
        if (configured == null || configured.isBlank()) {
            return "https://slack.com/api/";
        }
        String u = configured.strip();
        return u.endsWith("/") ? u : u + "/";
    }

    /** Reads nodes, substituting variables and refusing what does not belong, with the file and line. */
    private static final class Reader {
        private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
        private final String file;
        private final Function<String, String> env;

        Reader(String file, Function<String, String> env) {
            this.file = file;
            this.env = env;
        }

        IllegalArgumentException error(Node n, String key, String reason) {
            int line = n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
            return new IllegalArgumentException(file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + reason);
        }

        Map<String, Node> mapping(Node n, String key, Set<String> allowed) {
            Map<String, Node> out = new LinkedHashMap<>();
            if (n == null || n instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
                return out;
            }
            if (!(n instanceof MappingNode m)) {
                throw error(n, key, "must be a mapping");
            }
            for (NodeTuple t : m.getValue()) {
                String name = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                String full = key.isEmpty() ? name : key + "." + name;
                if (!allowed.contains(name)) {
                    throw error(t.getKeyNode(), full, "unknown key (known here: " + String.join(", ",
                            allowed.stream().sorted().toList()) + ")");
                }
                if (out.put(name, t.getValueNode()) != null) {
                    throw error(t.getKeyNode(), full, "given twice");
                }
            }
            return out;
        }

        Optional<String> text(Map<String, Node> m, String key) {
            Node n = m.get(key.substring(key.lastIndexOf('.') + 1));
            if (n == null || n instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
                return Optional.empty();
            }
            if (!(n instanceof ScalarNode s)) {
                throw error(n, key, "must be a single value");
            }
            return Optional.of(substitute(n, key, s.getValue()));
        }

        List<String> list(Node n, String key) {
            if (n == null || n instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
                return List.of();
            }
            if (!(n instanceof SequenceNode seq)) {
                throw error(n, key, "must be a list");
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw error(item, key, "must hold single values");
                }
                out.add(substitute(item, key, s.getValue()));
            }
            return out;
        }

        Optional<Boolean> bool(Map<String, Node> m, String key) {
            return text(m, key).map(v -> switch (v) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw error(m.get(key.substring(key.lastIndexOf('.') + 1)), key, "must be true or false, not '" + v + "'");
            });
        }

        Optional<Integer> integer(Map<String, Node> m, String key, int min, int max) {
            return text(m, key).map(v -> {
                try {
                    int i = Integer.parseInt(v.strip());
                    if (i >= min && i <= max) {
                        return i;
                    }
                } catch (NumberFormatException ignored) {
                    // said below
                }
                throw error(m.get(key.substring(key.lastIndexOf('.') + 1)), key, "must be a number from " + min + " to "
                        + max + ", not '" + v + "'");
            });
        }

        Optional<Duration> duration(Map<String, Node> m, String key) {
            return text(m, key).map(v -> {
                try {
                    return Durations.parse(v);
                } catch (IllegalArgumentException e) {
                    throw error(m.get(key.substring(key.lastIndexOf('.') + 1)), key, e.getMessage());
                }
            });
        }

        void glob(Node n, String key, String glob) {
            if (!glob.matches("[a-z0-9*?][a-z0-9*?-]{0,62}")) {
                throw error(n, key, "'" + glob + "' is not a namespace or a glob of one (letters, digits, '-', '*', '?')");
            }
        }

        private String substitute(Node n, String key, String value) {
            Matcher m = VARIABLE.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = env.apply(m.group(1));
                if (v == null || v.isEmpty()) {
                    if (m.group(2) == null) {
                        throw error(n, key, "${" + m.group(1) + "} is not set in the environment");
                    }
                    v = m.group(2);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return out.toString();
        }
    }
}
