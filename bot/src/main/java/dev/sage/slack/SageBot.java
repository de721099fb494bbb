package dev.sage.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.model.File;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import dev.sage.access.Access;
import dev.sage.alerts.AlertIntake;
import dev.sage.audit.AuditLog;
import dev.sage.audit.RequestAudit;
import dev.sage.collect.CollectionPlan;
import dev.sage.config.BotConfig;
import dev.sage.config.Durations;
import dev.sage.digest.DigestResult;
import dev.sage.digest.DigestRunner;
import dev.sage.digest.DigestScheduler;
import dev.sage.digest.DigestSpec;
import dev.sage.digest.Fleet;
import dev.sage.history.History;
import dev.sage.kube.PodCollector;
import dev.sage.load.InFlight;
import dev.sage.load.RateLimit;
import dev.sage.load.WorkPool;
import dev.sage.metrics.Metrics;
import dev.sage.playbook.Playbook;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.service.ActionResult;
import dev.sage.service.AnalyzeRequest;
import dev.sage.service.CaptureInput;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.MemoryGuard;
import dev.sage.service.Report;
import dev.sage.service.SafeAction;
import dev.sage.service.Target;
import dev.sage.transport.ExecAudits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The Slack app: mentions, direct messages, {@code /sage} and button clicks become requests to the diagnosis service,
 * answered in the thread. Every handler acknowledges at once and hands the work to an executor: a reply ("collecting
 * from …") is posted within a second, updated with progress and the first judgement, and completed with the diagnosis,
 * the memory chart and the raw captures. Slack's retried deliveries of one event are answered once. Nothing is ever
 * left unanswered: anything not understood gets help, anything that fails says what failed and what to try.
 *
 * <p>Under load: a request for a target already being diagnosed joins that diagnosis, and its thread gets the same
 * answer; one person and one channel may ask a set number of times a minute; diagnoses run on a {@link WorkPool}
 * bounded overall and per kind of target, and those that wait are told their place in the queue.
 *
 * <p>Thread-safe: Bolt calls the handlers from its own threads; diagnoses run on the pool ({@code limits}), replies on
 * a small separate pool.
 */
public final class SageBot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SageBot.class);
    /** Event ids remembered to answer Slack's retried deliveries once. */
    private static final int SEEN_EVENTS = 10_000;
    /** Text reports kept for "Show raw", by the ts of the message that shows them. */
    private static final int KEPT_REPORTS = 200;
    /**
     * Threads that post acknowledgements, help, refusals and the answers of joined diagnoses: their work is waiting on
     * Slack, so several, and one rate-limited channel does not hold the others.
     */
    private static final int REPLY_THREADS = 8;
    /** And at most this many characters of them in all. */
    private static final long KEPT_REPORT_CHARS = 16L << 20;

    private final BotConfig config;
    private final DiagnosisService service;
    private final SlackWeb web;
    /** Reloads the team playbooks on change; null when there are none (or they cannot be watched). */
    private final dev.sage.service.PlaybookWatcher watcher;
    private final App app;
    /** Diagnoses and analyses: bounded per kind of target, queued, each with a deadline. */
    private final WorkPool pool;
    /** Diagnoses under way, by what they diagnose: a request for the same thing joins the one running. */
    private final InFlight<DiagnoseRequest, Subscriber> flights = new InFlight<>();
    private final RateLimit perUser;
    private final RateLimit perChannel;
    private final ThreadPoolExecutor replies;
    private final Metrics metrics = new Metrics();
    /** Each target's figures, for the digests' trends; null when none is kept ({@code history.url: ""}). */
    private final History history;
    /** Digests asked for in chat: each lists and diagnoses a fleet, with its own concurrency. */
    private final ThreadPoolExecutor digests;
    private static final int DIGEST_THREADS = 2;
    /** Whether Slack's link is up: set by whoever serves the app (Socket Mode or HTTP). */
    private volatile java.util.function.BooleanSupplier link = () -> false;
    private volatile boolean stopping;
    private final Map<String, Boolean> seen = Collections.synchronizedMap(lru(SEEN_EVENTS));
    /** When the history was last pruned of what its retention lets go (events seen, old figures). */
    private final java.util.concurrent.atomic.AtomicLong lastPrune = new java.util.concurrent.atomic.AtomicLong();
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private final ReportCache reports = new ReportCache(KEPT_REPORTS, KEPT_REPORT_CHARS);
    private final AuditLog audit;
    /** User group members, by group id, with when they were read: looked up again after {@link #GROUPS_FOR}. */
    private final Map<String, Map.Entry<Long, java.util.Set<String>>> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Duration GROUPS_FOR = Duration.ofMinutes(5);
    /** Alertmanager's webhook, when {@code alerts.token} is set. */
    private final AlertIntake alerts;

    /**
     * @param appConfig Bolt's configuration: tokens, signing secret, and the {@code Slack} instance whose Web API
     *     address may point at a proxy or a test fake
     */
    public SageBot(BotConfig config, DiagnosisService service, SlackWeb web, AppConfig appConfig, AuditLog audit,
                   History history) {
        this.config = config;
        this.history = history;
        this.audit = audit;
        this.service = service;
        this.web = web;
        AtomicInteger d = new AtomicInteger();
        this.digests = new ThreadPoolExecutor(DIGEST_THREADS, DIGEST_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "sage-digest-" + d.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.digests.allowCoreThreadTimeOut(true);
        BotConfig.Limits limits = config.limits();
        this.pool = new WorkPool("sage-diagnosis", limits.concurrentDiagnoses(), limits.perKindInForce(), limits.queued(),
                limits.deadline());
        this.perUser = new RateLimit(limits.perUser(), Duration.ofMinutes(1));
        this.perChannel = new RateLimit(limits.perChannel(), Duration.ofMinutes(1));
        AtomicInteger m = new AtomicInteger();
        this.replies = new ThreadPoolExecutor(REPLY_THREADS, REPLY_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
                r -> daemon(r, "sage-reply-" + m.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.app = new App(appConfig);
        web.observe(new SlackWeb.Observer() {
            @Override
            public void retried(String method, String why) {
                metrics.slackRetry(method, why);
            }

            @Override
            public void failed(String method, String error) {
                metrics.slackError(method, error);
            }
        });
        metrics.pool(() -> pool.load().running(), () -> pool.load().waiting());
        metrics.link(this::ready);
        this.alerts = config.alerts().on() ? new AlertIntake(config.alerts().token(), config.alerts().routes(),
                config.alerts().repeatAfter(), new FromAlerts(), java.time.Clock.systemUTC()) : null;
        this.watcher = service.catalogue().map(this::watch).orElse(null);
        register();
    }

    /** How long a playbook directory must be quiet before a change is reloaded, and how often it is read anyway. */
    static final Duration PLAYBOOKS_QUIET = Duration.ofMillis(300);
    static final Duration PLAYBOOKS_RESCAN = Duration.ofSeconds(10);

    private dev.sage.service.PlaybookWatcher watch(dev.sage.playbook.TeamCatalogue catalogue) {
        catalogue.refusals().forEach(r -> LOG.warn("team playbook refused: {}", r));
        tellAdmins(catalogue, List.of()); // what the first load refused
        try {
            return new dev.sage.service.PlaybookWatcher(catalogue, PLAYBOOKS_QUIET, PLAYBOOKS_RESCAN, this::reloaded);
        } catch (java.io.IOException e) {
            LOG.warn("cannot watch the team playbook directories ({}); they are not reloaded until Sage restarts",
                    e.getMessage());
            return null;
        }
    }

    /** A reload by the watcher: the admins hear of what it refused. */
    private void reloaded(dev.sage.playbook.TeamCatalogue.Reload r) {
        service.catalogue().ifPresent(c -> tellAdmins(c, r.changes()));
    }

    /** The refusals the admins' channel has been told of and that still stand; one that comes back is told again. */
    private final java.util.Set<String> toldRefusals = new java.util.HashSet<>();

    /**
     * Tells the admins' channel (if one is configured) of every refusal in force it has not been told of, whoever made
     * the reload that found it (the watcher, an admin's {@code playbooks reload}, the start). Serialised.
     */
    private synchronized void tellAdmins(dev.sage.playbook.TeamCatalogue catalogue, List<String> changes) {
        List<dev.sage.playbook.TeamCatalogue.Refusal> now = catalogue.refusals();
        java.util.Set<String> standing = new java.util.HashSet<>(now.stream().map(Object::toString).toList());
        List<dev.sage.playbook.TeamCatalogue.Refusal> fresh = now.stream().filter(x -> !toldRefusals.contains(x.toString())).toList();
        toldRefusals.retainAll(standing);
        String channel = config.access().adminsChannel();
        if (fresh.isEmpty() || channel.isEmpty()) {
            return;
        }
        if (web.post(channel, null, BlockKit.text(refusedText(fresh, changes))).isPresent()) {
            fresh.forEach(x -> toldRefusals.add(x.toString()));
        }
    }

    static String refusedText(List<dev.sage.playbook.TeamCatalogue.Refusal> refused, List<String> changes) {
        StringBuilder sb = new StringBuilder(":warning: *A team playbook edit was refused*; Sage goes on with what it had:\n");
        refused.forEach(x -> sb.append("• ").append(Mrkdwn.escape(x.toString())).append('\n'));
        if (!changes.isEmpty()) {
            sb.append("Loaded in the same reload: ").append(Mrkdwn.escape(String.join("; ", changes))).append('\n');
        }
        return sb.append("`sage playbooks validate DIR` says the same from a terminal.").toString();
    }

    /** Alertmanager's webhook, for an HTTP server to serve at {@code /alerts}; empty when no token is configured. */
    public Optional<AlertIntake> alerts() {
        return Optional.ofNullable(alerts);
    }

    /**
     * A firing alert: a message in its route's channel quotes it, and the diagnosis of its pod follows in that thread,
     * on record as asked by {@code alertmanager}. The configuration's routes are its permission; the targets it may
     * reach are still only the configuration's.
     */
    private final class FromAlerts implements AlertIntake.Sink {
        @Override
        public Optional<String> fired(String channel, AlertIntake.Alert alert) {
            String ns = alert.labels().get("namespace");
            String pod = alert.labels().get("pod");
            String summary = alert.summary();
            Optional<String> ts = web.post(channel, null, BlockKit.text(":rotating_light: *" + Mrkdwn.escape(Mrkdwn.cut(alert.name(), 200))
                    + "* is firing for `" + Mrkdwn.code(Mrkdwn.cut(ns + "/" + pod, 200)) + "`"
                    + (summary.isEmpty() ? "" : "\n> " + Mrkdwn.escape(Mrkdwn.cut(summary, 500)))));
            ts.ifPresent(thread -> reply(new Where(channel, thread), null, () -> diagnose(new Conversation.Diagnose(pod,
                    Optional.of(ns), Optional.ofNullable(alert.labels().get("container")), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()), new Where(channel, thread), "alertmanager", true)));
            return ts;
        }

        @Override
        public void resolved(String channel, String thread, AlertIntake.Alert alert) {
            web.post(channel, thread, BlockKit.text(":white_check_mark: *" + Mrkdwn.escape(Mrkdwn.cut(alert.name(), 200))
                    + "* resolved."));
        }
    }

    /** The bot's metrics, for an HTTP server to serve at {@code /metrics}. */
    public Metrics metrics() {
        return metrics;
    }

    /** Says how to tell whether Slack's link is up (a Socket Mode session, or an HTTP server Slack can reach). */
    public void linkedBy(java.util.function.BooleanSupplier up) {
        this.link = up;
    }

    /** Ready for requests: linked to Slack and not stopping. */
    public boolean ready() {
        return !stopping && link.getAsBoolean();
    }

    /** The Bolt app, for an HTTP or Socket Mode adapter to serve. */
    public App app() {
        return app;
    }

    private void register() {
        app.event(AppMentionEvent.class, (payload, ctx) -> {
            AppMentionEvent e = payload.getEvent();
            onMessage(payload.getEventId(), e.getChannel(), e.getTs(), e.getThreadTs(), e.getText(), e.getFiles(),
                    e.getUser(), e.getBotId(), ctx.getBotUserId());
            return ctx.ack();
        });
        app.event(MessageEvent.class, (payload, ctx) -> {
            MessageEvent e = payload.getEvent();
            if ("im".equals(e.getChannelType())) {
                onMessage(payload.getEventId(), e.getChannel(), e.getTs(), e.getThreadTs(), e.getText(), e.getFiles(),
                        e.getUser(), e.getBotId(), ctx.getBotUserId());
            }
            return ctx.ack();
        });
        app.event(MessageFileShareEvent.class, (payload, ctx) -> {
            MessageFileShareEvent e = payload.getEvent();
            if ("im".equals(e.getChannelType()) && Boolean.TRUE != e.getDisplayAsBot()) {
                onMessage(payload.getEventId(), e.getChannel(), e.getTs(), e.getThreadTs(), e.getText(), e.getFiles(),
                        e.getUser(), null, ctx.getBotUserId());
            }
            return ctx.ack();
        });
        app.command("/sage", (req, ctx) -> {
            var p = req.getPayload();
            String text = p.getText() == null ? "" : p.getText();
            reply(new Where(p.getChannelId(), null), p.getUserId(), () -> {
                // a slash command has no thread: start one under a message that says who asked what
                Optional<String> top = web.post(p.getChannelId(), null, BlockKit.text("<@" + p.getUserId() + "> asked: `"
                        + Mrkdwn.code(Mrkdwn.cut(text, 200)) + "`"));
                if (top.isPresent()) {
                    serve(text, List.of(), new Where(p.getChannelId(), top.get()), p.getUserId());
                    return;
                }
                try {
                    // only the person who asked sees this: Sage may not post in the channel
                    ctx.respond("Sage cannot post in this channel: invite it with `/invite @sage`, or message it directly.");
                } catch (IOException | RuntimeException e) {
                    LOG.error("/sage in channel {}: could neither post nor respond", p.getChannelId(), e);
                }
            });
            return ctx.ack();
        });
        app.blockAction(Pattern.compile("sage_.*"), (req, ctx) -> {
            var p = req.getPayload();
            var action = p.getActions().get(0);
            String channel = p.getChannel() != null ? p.getChannel().getId() : p.getContainer().getChannelId();
            String messageTs = p.getContainer() != null ? p.getContainer().getMessageTs() : null;
            String thread = p.getContainer() != null && p.getContainer().getThreadTs() != null
                    ? p.getContainer().getThreadTs() : p.getMessage() != null && p.getMessage().getThreadTs() != null
                    ? p.getMessage().getThreadTs() : messageTs;
            reply(new Where(channel, thread), p.getUser().getId(), () -> click(action.getActionId(), action.getValue(),
                    new Where(channel, thread), messageTs, p.getUser().getId()));
            return ctx.ack();
        });
    }

    /**
     * A message for Sage (a mention, or a direct message with or without files), answered once on the reply pool in
     * its thread. Sage's own and other bots' messages are never answered, or Sage would talk to itself.
     */
    private void onMessage(String eventId, String channel, String ts, String threadTs, String text, List<File> files,
                           String user, String botId, String sageUserId) {
        if (botId != null || user == null || user.equals(sageUserId) || !once(eventId)) {
            return;
        }
        Where where = new Where(channel, threadTs != null ? threadTs : ts, threadTs != null, sageUserId);
        // the replicas' common record is asked on the reply pool: Slack's acknowledgement never waits on the database
        reply(where, user, () -> {
            if (onceAcrossReplicas(eventId)) {
                serve(text, files(files), where, user);
            }
        });
    }

    /**
     * Hands {@code work} to the reply pool; when the pool is full or stopping, says so at once (to {@code user} alone
     * when there is one, in the thread otherwise) rather than dropping the request.
     */
    private void reply(Where where, String user, Runnable work) {
        try {
            replies.execute(work);
        } catch (RejectedExecutionException e) {
            LOG.error("the reply pool refused a request in channel {} ({} waiting)", where.channel(), replies.getQueue().size());
            BlockKit.Message m = BlockKit.text(":warning: Sage is " + (stopping ? "restarting" : "too busy to take this on")
                    + "; ask again in a minute.");
            if (user == null || !web.postEphemeral(where.channel(), where.thread(), user, m)) {
                web.post(where.channel(), where.thread(), m);
            }
        }
    }

    /**
     * Where a reply goes: a channel (or a direct message) and the thread in it.
     *
     * @param inThread whether the message was itself a reply in a thread (so earlier messages may hold files)
     * @param sageUserId Sage's own user, whose uploads are read back only by {@code explain}, never by {@code analyze}
     */
    record Where(String channel, String thread, boolean inThread, String sageUserId) {
        Where(String channel, String thread) {
            this(channel, thread, false, "");
        }
    }

    /** A file someone shared with the message. */
    record Shared(String name, String url, long size) {}

    static List<Shared> files(List<File> files) {
        if (files == null) {
            return List.of();
        }
        List<Shared> out = new ArrayList<>();
        for (File f : files) {
            String url = f.getUrlPrivateDownload() != null ? f.getUrlPrivateDownload() : f.getUrlPrivate();
            if (url != null && !f.isExternal()) {
                out.add(new Shared(f.getName() == null ? "shared file" : f.getName(), url,
                        f.getSize() == null ? -1 : f.getSize()));
            }
        }
        return out;
    }

    /** Answers one message: whatever it asks, something is posted in the thread. */
    void serve(String text, List<Shared> files, Where where, String user) {
        try {
            Conversation.Ask ask = Conversation.read(text, !files.isEmpty());
            if (ask instanceof Conversation.Help h) {
                web.post(where.channel(), where.thread(), BlockKit.help(h.why(), config.kubernetes().defaultNamespace()));
            } else if (ask instanceof Conversation.Digest d) {
                digest(d.name(), where, user);
            } else if (ask instanceof Conversation.Playbooks p) {
                web.post(where.channel(), where.thread(), p.reload() ? reload(user) : playbooks());
            } else if (ask instanceof Conversation.Analyze a) {
                analyze(a, files, where, user);
            } else if (ask instanceof Conversation.Explain e) {
                explain(e, where, user);
            } else if (ask instanceof Conversation.Profile p) {
                profile(p, where, user);
            } else {
                diagnose((Conversation.Diagnose) ask, where, user);
            }
        } catch (RuntimeException e) {
            LOG.error("answering a message in channel {} thread {} failed", where.channel(), where.thread(), e);
            web.post(where.channel(), where.thread(), BlockKit.text(":warning: Sage failed unexpectedly ("
                    + Mrkdwn.escape(e.getClass().getSimpleName()) + "); the bot's log has the details."));
        }
    }

    private void click(String actionId, String value, Where where, String messageTs, String user) {
        Optional<Again> again = Again.decode(value);
        if (again.isEmpty()) {
            web.post(where.channel(), where.thread(), BlockKit.text(":warning: Sage did not write that button's value;"
                    + " mention it with the pod name instead."));
            return;
        }
        Conversation.Diagnose d = again.get().diagnose();
        if (actionId.startsWith(BlockKit.RAW)) {
            // the report of a target is for those who may diagnose it
            DiagnoseRequest asked;
            try {
                asked = request(d, user);
            } catch (IllegalArgumentException e) {
                return;
            }
            if (!permitted(java.util.EnumSet.of(Access.Action.DIAGNOSE), place(asked), where, user,
                    new RequestAudit(audit, user, where.channel(), where.thread(), describe(asked) + " (Show raw)"), false)) {
                return;
            }
            String text = messageTs == null ? null : report(messageTs);
            if (text == null) {
                web.post(where.channel(), where.thread(), BlockKit.text("Sage no longer holds that report (it keeps the"
                        + " newest ones only); press Re-run to collect again."));
            } else {
                web.upload(where.channel(), where.thread(), "The full report, as `sage diagnose` prints it:",
                        List.of(new SlackWeb.Upload("sage-report.txt", "Sage report", text.getBytes(StandardCharsets.UTF_8))));
            }
            return;
        }
        if (actionId.startsWith(BlockKit.ACT)) {
            SafeAction action = SafeAction.of(actionId.substring(BlockKit.ACT.length()));
            if (action == null) {
                web.post(where.channel(), where.thread(), BlockKit.text(":warning: Sage does not know that action."));
                return;
            }
            act(action, d, where, user);
            return;
        }
        if (actionId.startsWith(BlockKit.PROFILE)) {
            // checked as the person who clicks, as any profile
            profile(new Conversation.Profile(d.as(Optional.empty(), Optional.empty()), Conversation.DEFAULT_WATCH), where,
                    user);
            return;
        }
        if (actionId.startsWith(BlockKit.COMPARE)) {
            d = d.as(Optional.of("auto"), Optional.empty());
        } else if (actionId.startsWith(BlockKit.WATCH)) {
            d = d.as(Optional.empty(), Optional.of(Duration.ofSeconds(30)));
        }
        diagnose(d, where, user);
    }

    private void diagnose(Conversation.Diagnose ask, Where where, String user) {
        diagnose(ask, where, user, false);
    }

    /** @param fromAlert asked by Alertmanager through a configured route: no person's rules apply */
    private void diagnose(Conversation.Diagnose ask, Where where, String user, boolean fromAlert) {
        DiagnoseRequest request;
        try {
            request = request(ask, user);
        } catch (IllegalArgumentException e) {
            web.post(where.channel(), where.thread(), BlockKit.failure("Sage cannot diagnose that",
                    new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage()), Again.of(ask)));
            return;
        }
        Again again = Again.of(ask).in(request.namespace());
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), describe(request));
        if (fromAlert ? !recorded(record, "alert", where) : !permitted(actions(ask), place(request), where, user, record, true)) {
            return;
        }
        LOG.info("{} in channel {} asked to diagnose {} (context {}, namespace {})", user, where.channel(), ask.target(),
                request.context().orElse("default"), request.namespace().orElse("default"));
        String doing = doing(ask, request);
        String action = fromAlert ? "alert" : words(actions(ask));
        Optional<String> ts = web.post(where.channel(), where.thread(), BlockKit.progress(doing, List.of()));
        if (ts.isEmpty()) {
            // logged by SlackWeb, with the thread it was for
            writeDone(record, action, "not run: no reply possible", "not_run");
            return;
        }
        ThreadReply reply = new ThreadReply(web, where.channel(), where.thread(), ts.get(), doing, again);
        Subscriber me = new Subscriber(reply, again, record, user, action);
        DiagnoseRequest key = request.withRequestedBy("");
        InFlight.Joined<Subscriber> joined = flights.join(key, me);
        if (!joined.first()) {
            Subscriber first = joined.flight().subscribers().get(0);
            String by = first.user() == null || first.user().equals(user) ? ""
                    : first.user().matches("[UW][A-Z0-9]{2,20}") ? " (asked by " + Access.mention(first.user()) + ")"
                    : " (asked by " + Mrkdwn.escape(first.user()) + ")";
            reply.waiting(BlockKit.progress(doing, List.of("The same diagnosis was asked for already" + by
                    + "; its answer comes here too")));
            return;
        }
        WorkPool.Admitted admitted = pool.submit(kind(request), new WorkPool.Job() {
            @Override
            public void run(WorkPool.Ticket ticket) {
                ExecAudits.with(record, () -> {
                    SageBot.this.run(request, key, joined.flight(), ticket);
                    return null;
                });
            }

            @Override
            public void notRun(String why) {
                for (Subscriber s : flights.land(key)) {
                    writeDone(s.record(), s.action(), "not run: stopped", "not_run");
                    s.reply().show(BlockKit.text(":warning: " + Mrkdwn.escape(why) + " before this diagnosis started;"
                            + " press Re-run or ask again once it is back."));
                }
            }
        }, request.plan().profile().map(p -> deadline(p.plus(request.plan().interval()
                .multipliedBy(request.plan().rounds() - 1L)), request.plan().timeout())).orElse(config.limits().deadline()));
        if (!admitted.accepted()) {
            String why = admitted.refusal().orElseThrow();
            for (Subscriber s : flights.land(key)) {
                writeDone(s.record(), s.action(), "not run: busy", "busy");
                s.reply().show(BlockKit.failure(why.startsWith("Sage is restarting") ? "Sage is restarting" : "Sage is busy",
                        new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, why + "; try again in a minute."),
                        s.again()));
            }
        } else if (admitted.place() > 0) {
            WorkPool.Load load = pool.load();
            reply.waiting(BlockKit.progress(doing, List.of("Waiting its turn: number " + admitted.place() + " in the queue,"
                    + " behind " + load.running() + " diagnos" + (load.running() == 1 ? "is" : "es") + " under way")));
        }
    }

    /**
     * A profile asked for in chat: checked ({@code profile} on the target's place), audited, acknowledged at once,
     * queued in the pool like a diagnosis, its progress counting down the seconds left; the answer is the rankings,
     * with the recording and the full text attached.
     */
    private void profile(Conversation.Profile ask, Where where, String user) {
        // "profile A for 30s with B": B (or, with auto, a healthy sibling of pod A) is recorded beside A
        Conversation.Diagnose one = ask.target().as(Optional.empty(), Optional.empty());
        Optional<String> with = ask.target().compareWith();
        boolean sibling = with.filter("auto"::equals).isPresent();
        DiagnoseRequest request;
        Optional<DiagnoseRequest> named;
        try {
            request = request(one, user);
            named = with.filter(w -> !w.equals("auto")).map(w -> request(new Conversation.Diagnose(w, one.namespace(),
                    one.container(), one.context(), Optional.empty(), one.mainClass(), Optional.empty(), Optional.empty()),
                    user));
        } catch (IllegalArgumentException e) {
            web.post(where.channel(), where.thread(), BlockKit.failure("Sage cannot profile that",
                    new DiagnosisException(DiagnosisException.Kind.BAD_REQUEST, e.getMessage()), Again.of(ask.target())));
            return;
        }
        Again again = Again.of(ask.target()).in(request.namespace());
        long seconds = ask.duration().toSeconds();
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), describe(request)
                + " (profile " + seconds + " s" + (sibling ? ", beside a healthy sibling"
                : named.map(n -> ", beside " + describe(n)).orElse("")) + ")");
        if (!permitted(java.util.EnumSet.of(Access.Action.PROFILE), place(request), where, user, record, true)) {
            return;
        }
        if (named.isPresent() && !place(named.get()).equals(place(request))
                && !permitted(java.util.EnumSet.of(Access.Action.PROFILE), place(named.get()), where, user, record, false)) {
            return;
        }
        String doing = "Recording `" + Mrkdwn.code(one.target()) + "`" + (sibling ? " and a healthy sibling"
                : named.map(n -> " and `" + Mrkdwn.code(with.get()) + "`").orElse("")) + " with JDK Flight Recorder for "
                + seconds + " s" + (with.isPresent() ? ", side by side" : "") + " (about 1 % overhead; no pause)";
        Optional<String> ts = web.post(where.channel(), where.thread(), BlockKit.progress(doing, List.of()));
        if (ts.isEmpty()) {
            writeDone(record, "profile", "not run: no reply possible", "not_run");
            return;
        }
        ThreadReply reply = new ThreadReply(web, where.channel(), where.thread(), ts.get(), doing, again);
        // a profile takes its duration: its deadline is that, plus the commands around it
        Duration deadline = deadline(ask.duration(), request.plan().timeout());
        // profiles are a kind of their own: a recording holds its slot for minutes (limits.per_kind.profile)
        WorkPool.Admitted admitted = pool.submit("profile", new WorkPool.Job() {
            @Override
            public void run(WorkPool.Ticket ticket) {
                ExecAudits.with(record, () -> {
                    recordProfile(request, sibling, named, ask.duration(), reply, record, user, ticket, again);
                    return null;
                });
            }

            @Override
            public void notRun(String why) {
                writeDone(record, "profile", "not run: stopped", "not_run");
                reply.show(BlockKit.text(":warning: " + Mrkdwn.escape(why) + " before this profile started; ask again"
                        + " once it is back."));
            }
        }, deadline);
        if (!admitted.accepted()) {
            writeDone(record, "profile", "not run: busy", "busy");
            reply.show(BlockKit.failure("Sage is busy", new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED,
                    admitted.refusal().orElseThrow() + "; try again in a minute."), again));
        }
    }

    /**
     * The profile itself, on a pool thread: the seconds left shown as it records, then the answer. With {@code sibling}
     * or {@code named}, that JVM is recorded beside it, and the answer says what moved from it to this one.
     */
    private void recordProfile(DiagnoseRequest request, boolean sibling, Optional<DiagnoseRequest> named,
                               Duration duration, ThreadReply reply, RequestAudit record, String user,
                               WorkPool.Ticket ticket, Again again) {
        long until = System.nanoTime() + duration.toNanos();
        Thread countdown = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    long left = (until - System.nanoTime()) / 1_000_000_000L;
                    if (left <= 0) {
                        return;
                    }
                    reply.countdown(left + " s left");
                }
            } catch (InterruptedException stopped) {
                // the profile ended
            }
        }, "sage-profile-countdown");
        countdown.setDaemon(true);
        String outcome = "failed";
        try {
            List<DiagnoseRequest> all = new ArrayList<>(List.of(request));
            if (sibling) {
                reply.step("looking for a healthy sibling to record beside it");
                all.add(service.sibling(request));
            }
            named.ifPresent(all::add);
            countdown.start();
            List<dev.sage.service.ProfileReport> reports = service.profiles(all, duration, reply, jfr -> { });
            dev.sage.service.ProfileReport r = reports.get(0);
            Optional<dev.sage.service.ProfileReport> before = reports.size() > 1 ? Optional.of(reports.get(1))
                    : Optional.empty();
            ticket.disarm();
            countdown.interrupt();
            reply.show(before.map(b -> BlockKit.profile(r, b, user)).orElseGet(() -> BlockKit.profile(r, user)));
            String name = request.target() instanceof Target.Pod p ? p.name() : "profile";
            List<SlackWeb.Upload> files = new ArrayList<>(flames(r, before, name));
            String text = dev.sage.render.ProfileText.render(r) + before.map(b -> "\n" + dev.sage.render.ProfileText.diff(b, r)
                    + "\n" + dev.sage.render.ProfileText.render(b)).orElse("");
            files.add(new SlackWeb.Upload(name + "-profile.txt", "Profile", text.getBytes(StandardCharsets.UTF_8)));
            // the recording only when it holds none of the JVM's environment, properties, arguments or messages
            List<String> held = r.profile().privateEvents();
            if (held.isEmpty()) {
                files.add(new SlackWeb.Upload(name + ".jfr", "Recording (JDK Mission Control opens it)", r.jfr()));
            }
            web.upload(reply.channel, reply.thread, "Where the memory and the CPU go, and the full profile"
                    + (held.isEmpty() ? " and the recording:" : " (the recording is not attached: it holds "
                    + (r.existing().isPresent() ? "what the JVM's own recording kept" : "what this JVM's JDK would not leave out")
                    + "):"), files);
            outcome = "done";
        } catch (DiagnosisException e) {
            ticket.disarm();
            reply.show(ticket.stopped().isPresent() ? BlockKit.text(":stopwatch: Sage stopped this profile: "
                    + Mrkdwn.escape(ticket.stopped().get()) + ".") : BlockKit.failure("Sage could not profile "
                    + again.target(), e, again));
            outcome = "failed: " + e.kind().name().toLowerCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            ticket.disarm();
            LOG.error("profiling {} failed", request.target(), e);
            reply.show(BlockKit.text(":warning: Sage failed unexpectedly (" + Mrkdwn.escape(e.getClass().getSimpleName())
                    + "); the bot's log has the details."));
        } finally {
            countdown.interrupt();
            writeDone(record, "profile", outcome, outcome.equals("done") ? "done" : "failed");
        }
    }

    /** Where one request wants the answer of the diagnosis it started or joined. */
    private record Subscriber(ThreadReply reply, Again again, RequestAudit record, String user, String action) {}

    /**
     * A job's deadline: the configured one, or longer when what it records needs it (a recording takes its length, and
     * the commands around it their timeout).
     */
    private Duration deadline(Duration recording, Duration timeout) {
        Duration need = recording.plus(timeout);
        return config.limits().deadline().compareTo(need) < 0 ? need.plusMinutes(1) : config.limits().deadline();
    }

    /**
     * The kind of target, for the pool's limits per kind ({@code limits.per_kind}); a diagnosis that records is a
     * profile: its recording holds the slot for minutes.
     */
    private static String kind(DiagnoseRequest request) {
        if (request.plan().profile().isPresent()) {
            return "profile";
        }
        Target t = request.target();
        return t instanceof Target.Pod ? "pod" : t instanceof Target.Local ? "local" : "ssh";
    }

    private static String doing(Conversation.Diagnose ask, DiagnoseRequest request) {
        String what = ask.watchFor().map(w -> "Watching").orElse("Collecting from");
        String ns = request.namespace().map(n -> " in `" + Mrkdwn.code(n) + "`").orElse("");
        int rounds = request.plan().rounds();
        return what + " `" + Mrkdwn.code(ask.target()) + "`" + ns
                + (ask.compareWith().isPresent() ? " and a sibling to compare with" : "")
                + ": " + rounds + " round" + (rounds > 1 ? "s " + Durations.show(request.plan().interval()) + " apart" : "")
                + request.plan().profile().map(p -> ", then a " + p.toSeconds() + " s recording with JDK Flight Recorder"
                        + " (about 1 % overhead; no pause)").orElse("")
                + "…";
    }

    /**
     * What a diagnosis came to, for everyone who asked for it.
     *
     * @param audit the outcome as the audit words it
     * @param metric the outcome as the metrics count it: {@code diagnosed}, {@code failed}, {@code stopped}
     * @param cut why the pool stopped the collection early, when it did and what came before is the answer
     */
    private record Outcome(List<Report> reports, Map<String, DiagnosisException> hostFailures, DiagnosisException failure,
                           String audit, String metric, Optional<String> cut) {
        static Outcome failed(DiagnosisException e, String audit, String metric) {
            return new Outcome(List.of(), Map.of(), e, audit, metric, Optional.empty());
        }
    }

    /**
     * Runs one diagnosis on a pool thread, showing its progress in the thread that asked first (the others were told they
     * joined: a step shown in a hundred threads would cost a hundred calls while the collection waits), then answers
     * every thread that asked. Stopped by the pool (its deadline, a restart), it says so rather than what the interrupt
     * broke. Whatever happens, the flight lands and each thread is answered: a request for this target never waits on
     * a diagnosis that ended.
     */
    private void run(DiagnoseRequest request, DiagnoseRequest key, InFlight.Flight<Subscriber> flight, WorkPool.Ticket ticket) {
        ThreadReply first = flight.subscribers().get(0).reply();
        Outcome outcome;
        long t0 = System.nanoTime();
        try {
            outcome = outcome(request, first, ticket);
        } catch (RuntimeException | Error e) {
            LOG.error("diagnosing {} failed", request.target(), e);
            outcome = Outcome.failed(new DiagnosisException(DiagnosisException.Kind.UNSUPPORTED, "Sage failed unexpectedly ("
                    + e.getClass().getSimpleName() + "); the bot's log has the details."), "failed", "failed");
        } finally {
            ticket.disarm();
        }
        List<Subscriber> all = flights.land(key);
        metrics.diagnosis(kind(request), Duration.ofNanos(System.nanoTime() - t0), outcome.failure() == null);
        outcome.reports().forEach(metrics::judged);
        List<Attachments> prepared = outcome.reports().stream().map(Attachments::new).toList();
        List<Optional<String>> seen = outcome.reports().stream().map(r -> lastSeen(r, request)).toList();
        // those who joined are answered on the reply pool, so that this thread's slot frees as soon as it has answered
        // the first; the chart and the captures are drawn once for all of them
        Outcome o = outcome;
        for (int i = 1; i < all.size(); i++) {
            Subscriber s = all.get(i);
            Runnable answer = () -> answerOnce(s, o, prepared, seen, true);
            try {
                replies.execute(answer);
            } catch (RejectedExecutionException e) {
                answer.run(); // the reply pool is full or stopping: answered here rather than not at all
            }
        }
        answerOnce(all.get(0), outcome, prepared, seen, false);
    }

    /** The diagnosis itself, as an outcome: what it found, or why it failed or was stopped. */
    private Outcome outcome(DiagnoseRequest request, ThreadReply progress, WorkPool.Ticket ticket) {
        Outcome outcome;
        try {
            if (request.target() instanceof Target.HostGroup) {
                var group = service.diagnoseGroup(request, progress);
                outcome = new Outcome(group.reports(), group.failures(), null, group.reports().size() + " of "
                        + (group.reports().size() + group.failures().size()) + " hosts diagnosed",
                        group.reports().isEmpty() ? "failed" : "diagnosed", Optional.empty());
            } else {
                outcome = new Outcome(List.of(service.diagnose(request, progress)), Map.of(), null, "diagnosed", "diagnosed",
                        Optional.empty());
            }
        } catch (DiagnosisException e) {
            if (ticket.stopped().isEmpty()) {
                // the kind only: a message may quote what the target or the API server printed
                return Outcome.failed(e, "failed: " + e.kind().name().toLowerCase(java.util.Locale.ROOT), "failed");
            }
            String why = ticket.stopped().get();
            return Outcome.failed(new DiagnosisException(DiagnosisException.Kind.TIMEOUT, "Sage stopped this diagnosis: "
                    + why + ". Press Re-run" + (why.contains("restart") ? " once it is back."
                    : "; a target this slow may need a longer limits.deadline, or fewer rounds.")), "stopped: " + why, "stopped");
        }
        if (ticket.stopped().isPresent()) {
            // stopped inside a round: the rounds before it are judged, and the thread is told why there are no more
            return new Outcome(outcome.reports(), outcome.hostFailures(), null, "stopped: " + ticket.stopped().get(),
                    "stopped", ticket.stopped());
        }
        return outcome;
    }

    private void answerOnce(Subscriber s, Outcome outcome, List<Attachments> prepared, List<Optional<String>> seen,
                            boolean joined) {
        try {
            answer(s, outcome, prepared, seen);
        } catch (RuntimeException e) {
            LOG.error("answering in channel {} thread {} failed", s.reply().channel, s.reply().thread, e);
        } finally {
            writeDone(s.record(), s.action(), outcome.audit() + (joined ? " (joined)" : ""),
                    joined && outcome.metric().equals("diagnosed") ? "joined" : outcome.metric());
        }
    }

    private void answer(Subscriber s, Outcome o, List<Attachments> prepared, List<Optional<String>> seen) {
        ThreadReply reply = s.reply();
        Again again = s.again();
        if (o.failure() != null) {
            reply.show(BlockKit.failure("Sage could not diagnose " + again.target(), o.failure(), again));
            return;
        }
        for (int i = 0; i < o.reports().size(); i++) {
            Report r = o.reports().get(i);
            Attachments a = prepared.get(i);
            if (i == 0) {
                finish(a, r, reply, again);
            } else {
                BlockKit.Message m = BlockKit.report(r, again, false, "", offers(r, again));
                web.post(reply.channel, reply.thread, m).ifPresent(ts -> attach(a, reply.channel, reply.thread, ts, m.cut()));
            }
            seen.get(i).ifPresent(words -> web.post(reply.channel, reply.thread, BlockKit.lastSeen(words)));
        }
        o.hostFailures().forEach((host, e) -> web.post(reply.channel, reply.thread,
                BlockKit.failure("Sage could not diagnose " + host, e, again)));
        if (o.reports().isEmpty()) {
            reply.show(BlockKit.text(":warning: no host of the group could be diagnosed; the reasons follow."));
        }
        o.cut().ifPresent(why -> web.post(reply.channel, reply.thread, BlockKit.text(":stopwatch: Sage stopped this"
                + " diagnosis: " + Mrkdwn.escape(why) + ". The answer above judges the rounds collected before that"
                + (why.contains("restart") ? "." : "; a target this slow may need a longer limits.deadline, or fewer rounds."))));
    }

    /**
     * Puts a request's outcome on record, and counts it in the metrics as {@code metric}: {@code diagnosed},
     * {@code joined}, {@code read}, {@code done}, {@code refused_by_jvm}, {@code failed}, {@code stopped}, {@code busy},
     * {@code not_run}.
     */
    private void writeDone(RequestAudit record, String action, String outcome, String metric) {
        metrics.request(action, metric);
        try {
            record.write("request_done", Map.of("outcome", outcome));
        } catch (IOException e) {
            LOG.error("audit {}: the outcome of a request of {} could not be written: {}", audit.file(), record.who(),
                    e.getMessage());
        }
    }

    private static String words(java.util.Set<Access.Action> actions) {
        return String.join("+", actions.stream().map(Access.Action::word).toList());
    }

    /**
     * A digest, asked for in chat: run now over its fleet and posted in the thread; with no name, the digests there
     * are. Checked as {@code digest} (its targets are the configuration's), audited, run on a thread of its own.
     */
    private void digest(String name, Where where, String user) {
        if (name.isEmpty() || config.digest(name).isEmpty()) {
            String known = config.digests().isEmpty() ? "This Sage has no digests (digests: in its configuration)."
                    : "Digests here: " + String.join(", ", config.digests().stream().map(d -> "`" + d.name() + "` ("
                    + Mrkdwn.escape(d.cron()) + ", " + d.zone() + ")").toList()) + ". Ask `@sage digest NAME` to run one now.";
            web.post(where.channel(), where.thread(), BlockKit.text((name.isEmpty() ? "" : "No digest `"
                    + Mrkdwn.code(Mrkdwn.cut(name, 40)) + "`. ") + known));
            return;
        }
        DigestSpec spec = config.digest(name).orElseThrow();
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), "digest " + name);
        if (!permitted(java.util.EnumSet.of(Access.Action.DIGEST), new Access.Place.Fleet(), where, user, record, true)) {
            return;
        }
        try {
            digests.execute(() -> runDigest(spec, where.channel(), where.thread(), user, record));
        } catch (RejectedExecutionException e) {
            writeDone(record, "digest", "not run: busy", "busy");
            web.post(where.channel(), where.thread(), BlockKit.text(":warning: Sage is already running "
                    + DIGEST_THREADS + " digests; ask again when one is posted."));
        }
    }

    /**
     * A digest on its schedule: posted in its channel, on record as asked by {@code schedule}; once per firing, even
     * when replicas sharing the history recover it ({@link DigestScheduler#onceEach}).
     */
    public void runDigest(DigestSpec spec, DigestScheduler.Firing firing) {
        DigestScheduler.onceEach(history, (s, f) -> {
            RequestAudit record = new RequestAudit(audit, "schedule", s.channel(), "", "digest " + s.name());
            if (recorded(record, "digest", new Where(s.channel(), null))) {
                runDigest(s, s.channel(), null, "schedule", record);
            }
        }).run(spec, firing);
    }

    /** Lists the fleet, diagnoses it (every command on record under the digest's request), and posts the digest. */
    private void runDigest(DigestSpec spec, String channel, String thread, String user, RequestAudit record) {
        String outcome = "failed";
        try {
            Fleet.Listing fleet = Fleet.of(spec, config.hostGroups().file().orElseGet(dev.sage.service.HostGroups::file));
            LOG.info("digest {}: {} JVMs, {} at a time", spec.name(), fleet.targets().size(), spec.concurrency());
            if (history != null) {
                try {
                    history.prune(java.time.Instant.now());
                } catch (java.sql.SQLException e) {
                    LOG.warn("history {}: old rows could not be removed: {}", history.url(), e.getMessage());
                }
            }
            DigestResult result = new DigestRunner(service, t -> new RequestAudit(audit, user, channel,
                    thread == null ? "" : thread, t.name()), history).run(spec, fleet, s -> { });
            outcome = DigestPost.post(web, result, channel, thread).isPresent() ? "posted" : "not posted";
        } catch (RuntimeException e) {
            LOG.error("digest {} failed", spec.name(), e);
            web.post(channel, thread, BlockKit.text(":warning: Digest `" + Mrkdwn.code(spec.name()) + "` failed ("
                    + Mrkdwn.escape(e.getClass().getSimpleName()) + "); the bot's log has the details."));
        } finally {
            writeDone(record, "digest", outcome, outcome.equals("posted") ? "done" : "failed");
        }
    }

    /**
     * Keeps a diagnosis's figures in the history, and how they compare with the last ones seen there; empty without a
     * history, or when the history cannot be reached (logged: the answer stands without it).
     */
    private Optional<String> lastSeen(Report report, DiagnoseRequest request) {
        if (history == null) {
            return Optional.empty();
        }
        try {
            return dev.sage.digest.LastSeen.keep(history, report, request, java.time.Instant.now());
        } catch (java.sql.SQLException e) {
            LOG.warn("history {}: a diagnosis could not be kept: {}", history.url(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The actions a report's findings suggest, when the configuration offers them and some rule lets someone act. */
    private List<ActionWords.Offer> offers(Report report, Again again) {
        // a host of a group is acted on by its own name: the group's buttons would name the group
        if (!config.access().anyMay(Access.Action.ACT) || again.target().startsWith("hosts/")) {
            return List.of();
        }
        return ActionWords.offers(report, config.actions().offered(), config.actions().heapDumpDir());
    }

    /**
     * An action someone confirmed in its dialog: checked as the person who clicked ({@code act} on the target's
     * place), audited, run between a look at the JVM's memory before and after, and answered with both.
     */
    private void act(SafeAction action, Conversation.Diagnose ask, Where where, String user) {
        DiagnoseRequest request;
        try {
            request = request(ask, user);
        } catch (IllegalArgumentException e) {
            web.post(where.channel(), where.thread(), BlockKit.text(":warning: " + Mrkdwn.escape(e.getMessage())));
            return;
        }
        if (!config.actions().offered().contains(action)) {
            web.post(where.channel(), where.thread(), BlockKit.text(":no_entry_sign: This Sage does not offer "
                    + Mrkdwn.escape(ActionWords.name(action)) + " (`actions.offer` in its configuration)."));
            return;
        }
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), describe(request) + ", "
                + action.word());
        if (!permitted(java.util.EnumSet.of(Access.Action.ACT), place(request), where, user, record, true)) {
            return;
        }
        LOG.info("{} in channel {} asked for {} on {}", user, where.channel(), action.word(), ask.target());
        String doing = ActionWords.doing(action, ask.target());
        Optional<String> ts = web.post(where.channel(), where.thread(), BlockKit.progress(doing, List.of()));
        if (ts.isEmpty()) {
            writeDone(record, "act", "not run: no reply possible", "not_run");
            return;
        }
        ThreadReply reply = new ThreadReply(web, where.channel(), where.thread(), ts.get(), doing, null);
        String file = config.actions().heapDumpDir().map(dir -> dir.replaceAll("/+$", "") + "/sage-"
                + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.now()) + "-" + Long.toHexString(new java.security.SecureRandom().nextInt() & 0xffffffL)
                + ".hprof").orElse("");
        // a heap dump of a large heap takes minutes: it gets at least the command's own deadline
        Duration deadline = action == SafeAction.HEAP_DUMP && config.limits().deadline().compareTo(SafeAction.HEAP_DUMP_TIMEOUT) < 0
                ? SafeAction.HEAP_DUMP_TIMEOUT.plusMinutes(1) : config.limits().deadline();
        WorkPool.Admitted admitted = pool.submit(kind(request), new WorkPool.Job() {
            @Override
            public void run(WorkPool.Ticket ticket) {
                ExecAudits.with(record, () -> {
                    String outcome = "failed";
                    try {
                        ActionResult r = service.act(request, action, file, reply);
                        ticket.disarm();
                        outcome = r.failure().isPresent() ? "refused by the JVM" : "done";
                        BlockKit.Message m = ActionWords.result(r, ask.target(), user, file);
                        if (!reply.show(m)) {
                            web.post(where.channel(), where.thread(), m);
                        }
                        if (action == SafeAction.THREAD_DUMP) {
                            web.upload(where.channel(), where.thread(), "The thread dump (credentials redacted):",
                                    RawFiles.of(r.report().raw()));
                        }
                    } catch (DiagnosisException e) {
                        ticket.disarm();
                        outcome = "failed: " + e.kind().name().toLowerCase(java.util.Locale.ROOT);
                        reply.show(ticket.stopped().isPresent()
                                // the command may be under way on the target: say so rather than "did not run"
                                ? BlockKit.text(":stopwatch: Sage stopped waiting for " + Mrkdwn.escape(ActionWords.name(action))
                                        + " on `" + Mrkdwn.code(ask.target()) + "`: " + Mrkdwn.escape(ticket.stopped().get())
                                        + ". It may still be running there" + (action == SafeAction.HEAP_DUMP ? "; look for `"
                                        + Mrkdwn.code(file) + "` on the target" : "") + ".")
                                : BlockKit.failure(ActionWords.name(action) + " did not run on " + ask.target(), e, null));
                    } catch (RuntimeException e) {
                        ticket.disarm();
                        LOG.error("{} on {} failed", action.word(), ask.target(), e);
                        reply.show(BlockKit.text(":warning: Sage failed unexpectedly ("
                                + Mrkdwn.escape(e.getClass().getSimpleName()) + "); the bot's log has the details."));
                    } finally {
                        writeDone(record, "act", outcome, outcome.equals("done") ? "done"
                                : outcome.equals("refused by the JVM") ? "refused_by_jvm" : "failed");
                    }
                    return null;
                });
            }

            @Override
            public void notRun(String why) {
                writeDone(record, "act", "not run: stopped", "not_run");
                reply.show(BlockKit.text(":warning: " + Mrkdwn.escape(why) + " before this ran; nothing was done."));
            }
        }, deadline);
        if (!admitted.accepted()) {
            writeDone(record, "act", "not run: busy", "busy");
            reply.show(BlockKit.text(":warning: " + refused(admitted) + "; nothing was done. Try again in a minute."));
        }
    }

    /** Why the pool refused a job, in words: restarting, or busy and how busy. */
    private static String refused(WorkPool.Admitted admitted) {
        String why = admitted.refusal().orElseThrow();
        return why.startsWith("Sage is restarting") ? "Sage is restarting" : "Sage is busy (" + Mrkdwn.escape(why) + ")";
    }

    /** What a request asks to do: a compare that watches needs both rights. */
    private static java.util.Set<Access.Action> actions(Conversation.Diagnose ask) {
        java.util.Set<Access.Action> all = java.util.EnumSet.noneOf(Access.Action.class);
        ask.compareWith().ifPresent(c -> all.add(Access.Action.COMPARE));
        ask.watchFor().ifPresent(w -> all.add(Access.Action.WATCH));
        if (all.isEmpty()) {
            all.add(Access.Action.DIAGNOSE);
        }
        ask.profileFor().ifPresent(p -> all.add(Access.Action.PROFILE));
        return all;
    }

    /**
     * Whether {@code user} may do {@code action} on {@code place} here; when not, or when the request cannot be put on
     * record, or (when {@code counted}) the person or the channel asked too often this minute, says so in the thread.
     * Every decision is audited.
     */
    private boolean permitted(java.util.Set<Access.Action> actions, Access.Place place, Where where, String user,
                              RequestAudit record, boolean counted) {
        Access.Who who = who(user, where.channel());
        String words = words(actions);
        for (Access.Action action : actions) {
            Access.Decision d = config.access().decide(who, action, place);
            if (d.allowed()) {
                continue;
            }
            metrics.refused("access");
            metrics.request(words, "refused");
            try {
                record.write("refused", Map.of("action", words, "reason", d.reason()));
            } catch (IOException e) {
                LOG.error("audit {}: a refusal of {} could not be written: {}", audit.file(), user, e.getMessage());
            }
            String ask = d.admins().isEmpty() ? " To be allowed, ask whoever runs Sage (its configuration names no"
                    + " `access.admins`)." : " To be allowed, ask "
                    + String.join(" or ", d.admins().stream().map(Access::mention).toList()) + ".";
            // shown to this person only: the rules are nobody else's business, and the admins are not pinged
            BlockKit.Message m = BlockKit.text(":no_entry: " + Mrkdwn.escape(d.reason()) + ask);
            if (user == null || !web.postEphemeral(where.channel(), where.thread(), user, m)) {
                web.post(where.channel(), where.thread(), BlockKit.text(":no_entry: " + Mrkdwn.escape(d.reason())));
            }
            return false;
        }
        return !(counted && limited(where, user, record, words)) && recorded(record, words, where);
    }

    /**
     * Whether this person or this channel has asked {@code limits.per_user_per_minute} or
     * {@code limits.per_channel_per_minute} times in the last minute; if so, says when to ask again (to this person only
     * where Slack allows) and audits the refusal.
     */
    private boolean limited(Where where, String user, RequestAudit record, String words) {
        long now = System.nanoTime();
        String who = user == null ? "" : user;
        Optional<Duration> wait = perUser.take(who, now);
        String whose = "You have";
        int limit = perUser.limit();
        if (wait.isEmpty()) {
            wait = perChannel.take(where.channel(), now);
            if (wait.isEmpty()) {
                return false;
            }
            perUser.giveBack(who);
            whose = "This channel has";
            limit = perChannel.limit();
        }
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        String reason = whose + " asked Sage " + limit + " times in the last minute, as many as it takes";
        metrics.refused("rate_limit");
        metrics.request(words, "rate_limited");
        try {
            record.write("refused", Map.of("action", words, "reason", "rate limit: " + reason));
        } catch (IOException e) {
            LOG.error("audit {}: a refusal of {} could not be written: {}", audit.file(), user, e.getMessage());
        }
        BlockKit.Message m = BlockKit.text(":hourglass: " + reason + "; ask again in " + seconds + " s.");
        if (user == null || !web.postEphemeral(where.channel(), where.thread(), user, m)) {
            web.post(where.channel(), where.thread(), m);
        }
        return true;
    }

    /** Puts a request on record; when that fails, says so in the thread and returns false: it is not run. */
    private boolean recorded(RequestAudit record, String action, Where where) {
        try {
            record.write("request", Map.of("action", action));
            return true;
        } catch (IOException e) {
            metrics.refused("audit");
            metrics.request(action, "not_run");
            LOG.error("audit {}: a request of {} could not be written: {}", audit.file(), record.who(), e.getMessage());
            web.post(where.channel(), where.thread(), BlockKit.text(":warning: Sage did not run this: its audit ("
                    + Mrkdwn.escape(audit.file().toString()) + ") could not be written, and it runs nothing off the record."
                    + " Tell whoever runs Sage."));
            return false;
        }
    }

    /** Who asks: the user groups the rules name are looked up (cached {@link #GROUPS_FOR}). */
    private Access.Who who(String user, String channel) {
        java.util.Set<String> in = new java.util.HashSet<>();
        for (String g : config.access().groupsNamed()) {
            if (inGroup(user, g)) {
                in.add(g);
            }
        }
        return new Access.Who(user == null ? "" : user, channel, in);
    }

    /** Whether {@code user} is in the user group {@code g}, as last looked up (cached {@link #GROUPS_FOR}). */
    private boolean inGroup(String user, String g) {
        long now = System.nanoTime();
        Map.Entry<Long, java.util.Set<String>> known = groups.get(g);
        if (known == null || now - known.getKey() > GROUPS_FOR.toNanos()) {
            // unreadable (no usergroups:read): nobody is taken to be in it, and it is tried again in a minute
            java.util.Optional<java.util.Set<String>> members = web.userGroupMembers(g);
            known = Map.entry(members.isPresent() ? now : now - GROUPS_FOR.toNanos() + Duration.ofMinutes(1).toNanos(),
                    members.orElse(java.util.Set.of()));
            groups.put(g, known);
        }
        return known.getValue().contains(user);
    }

    /** An admin of this bot: named in {@code access.admins}, or in a user group named there. */
    private boolean isAdmin(String user) {
        return user != null && config.access().admins().stream()
                .anyMatch(a -> a.equals(user) || a.startsWith("S") && inGroup(user, a));
    }

    /** What a request touches, for the access rules. A namespace not known yet is "": only a "*" rule covers it. */
    private Access.Place place(DiagnoseRequest request) {
        return dev.sage.config.ConfigScope.place(config, request);
    }

    /** The target as the audit names it. */
    private static String describe(DiagnoseRequest request) {
        Target t = request.target();
        if (t instanceof Target.Pod p) {
            return "pod/" + p.name() + " in " + request.namespace().orElse("the default namespace") + " (context "
                    + request.context().orElse("default") + ")" + request.container().map(c -> ", container " + c).orElse("");
        }
        if (t instanceof Target.HostGroup g) {
            return "hosts/" + g.name();
        }
        return t instanceof Target.Local l ? "local" + l.pid().map(pid -> ":" + pid).orElse("") : String.valueOf(t);
    }

    private void finish(Attachments prepared, Report report, ThreadReply reply, Again again) {
        BlockKit.Message m = BlockKit.report(report, again, false, "", offers(report, again));
        String ts = reply.ts;
        if (!reply.show(m)) {
            // the progress message could not be replaced: the answer goes in a new message rather than nowhere
            ts = web.post(reply.channel, reply.thread, m).orElse(null);
        }
        if (ts != null) {
            attach(prepared, reply.channel, reply.thread, ts, m.cut());
        }
    }

    /**
     * The chart, the raw captures and, when the blocks were cut, the full report, in one message under the reply. A
     * failure here (a chart that cannot be drawn, an upload refused) is said in the thread; the answer above stands.
     */
    private void attach(Attachments prepared, String channel, String thread, String ts, boolean cut) {
        try {
            reports.put(ts, prepared.text());
            List<SlackWeb.Upload> files = prepared.files(cut);
            web.upload(channel, thread, files.size() == 1 ? "Where the memory goes:" : "Where the memory goes, and what"
                    + " Sage collected (credentials redacted):", files);
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            LOG.error("attaching to the reply in channel {} thread {} failed", channel, thread, e);
            web.post(channel, thread, BlockKit.text(":warning: Sage could not attach the chart and the captures ("
                    + Mrkdwn.escape(e.getClass().getSimpleName()) + "); the bot's log has the details."));
        }
    }

    /**
     * {@code explain ID} in a diagnosis thread: the playbook's steps over the captures Sage attached there (the newest
     * set), for its author. Reading files a person may read anyway, it needs {@code analyze}.
     */
    private void explain(Conversation.Explain ask, Where where, String user) {
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), "the captures of this thread");
        if (!permitted(java.util.EnumSet.of(Access.Action.ANALYZE), new Access.Place.Files(), where, user, record, true)) {
            return;
        }
        List<Shared> captures = new ArrayList<>();
        if (where.inThread()) {
            for (Shared f : files(web.sageFilesInThread(where.channel(), where.thread(), where.sageUserId()))) {
                if (!RawFiles.names().contains(f.name())) {
                    continue;
                }
                if (captures.stream().anyMatch(c -> c.name().equals(f.name()))) {
                    break; // an older diagnosis's set: the newest one is complete
                }
                captures.add(f);
            }
        }
        if (captures.isEmpty()) {
            web.post(where.channel(), where.thread(), BlockKit.text("Mention me with `explain " + Mrkdwn.code(ask.id())
                    + "` in the thread of a diagnosis: I read the captures I attached there."));
            writeDone(record, "explain", "not run: no captures in the thread", "not_run");
            return;
        }
        String outcome = "failed";
        try {
            List<CaptureInput> inputs = captures.stream().map(this::download).toList();
            dev.sage.engine.Explainer.Explanation e = service.explain(ask.id(), new AnalyzeRequest(
                    String.join(", ", captures.stream().map(Shared::name).toList()), inputs, List.of(), List.of()));
            web.post(where.channel(), where.thread(), explanation(e));
            outcome = e.fires() ? "fires" : "does not fire";
        } catch (DiagnosisException e) {
            web.post(where.channel(), where.thread(), BlockKit.failure("Sage could not explain " + ask.id(), e, null));
            outcome = "failed: " + e.kind().name().toLowerCase(java.util.Locale.ROOT);
        } finally {
            writeDone(record, "explain", outcome, outcome.startsWith("failed") ? "failed" : "read");
        }
    }

    /** An explanation in the chat: the verdict, then the steps in a code block, within a section's limit. */
    static BlockKit.Message explanation(dev.sage.engine.Explainer.Explanation e) {
        String head = "`" + Mrkdwn.code(e.playbookId()) + "` " + Mrkdwn.cut(Mrkdwn.escape(
                dev.sage.render.ExplainText.verdict(e)), 300);
        String steps = Mrkdwn.cut(Mrkdwn.code(dev.sage.render.ExplainText.of(e, SlackWords::remedy)), 2500);
        return BlockKit.text(head + "\n```" + steps + "```");
    }

    private void analyze(Conversation.Analyze ask, List<Shared> attached, Where where, String user) {
        RequestAudit record = new RequestAudit(audit, user, where.channel(), where.thread(), "shared files");
        if (!permitted(java.util.EnumSet.of(Access.Action.ANALYZE), new Access.Place.Files(), where, user, record, true)) {
            return;
        }
        // "analyze" in a thread where someone shared a dump earlier: the newest file shared there
        List<Shared> files = !attached.isEmpty() || ask.pasted().isPresent() || !where.inThread() ? attached
                : files(web.filesInThread(where.channel(), where.thread(), where.sageUserId())).stream().limit(1).toList();
        if (files.isEmpty() && ask.pasted().isEmpty()) {
            web.post(where.channel(), where.thread(), BlockKit.text("Share a dump file with the mention (`analyze` and"
                    + " attach it), mention me with `analyze` in the thread where it was shared, or paste one in a ``` code"
                    + " block."));
            return;
        }
        String names = files.isEmpty() ? "the pasted dump"
                : String.join(", ", files.stream().map(f -> "`" + Mrkdwn.code(Mrkdwn.cut(f.name(), 80)) + "`").toList());
        Optional<String> ts = web.post(where.channel(), where.thread(), BlockKit.progress("Reading " + names + "…", List.of()));
        if (ts.isEmpty()) {
            writeDone(record, "analyze", "not run: no reply possible", "not_run");
            return;
        }
        ThreadReply reply = new ThreadReply(web, where.channel(), where.thread(), ts.get(), "Reading " + names, null);
        WorkPool.Admitted admitted = pool.submit("files", new WorkPool.Job() {
            @Override
            public void run(WorkPool.Ticket ticket) {
                if (ask.pasted().isEmpty() && files.size() == 1 && files.get(0).name().toLowerCase(java.util.Locale.ROOT)
                        .endsWith(".jfr")) {
                    readRecording(files.get(0), reply, record, user, ticket);
                    return;
                }
                List<CaptureInput> inputs = new ArrayList<>();
                ask.pasted().ifPresent(p -> inputs.add(CaptureInput.of("pasted dump", p.getBytes(StandardCharsets.UTF_8))));
                for (Shared f : files) {
                    inputs.add(download(f));
                }
                long t0 = System.nanoTime();
                String outcome = "failed";
                try {
                    Report r = service.analyze(new AnalyzeRequest(files.isEmpty() ? "the pasted dump"
                            : String.join(", ", files.stream().map(Shared::name).toList()), inputs, List.of(), List.of()));
                    ticket.disarm();
                    outcome = "read";
                    metrics.judged(r);
                    BlockKit.Message m = BlockKit.report(r, null, false, "");
                    reply.show(m);
                    attach(new Attachments(r), where.channel(), where.thread(), ts.get(), m.cut());
                } catch (DiagnosisException e) {
                    ticket.disarm();
                    outcome = "failed: " + e.kind().name().toLowerCase(java.util.Locale.ROOT);
                    reply.show(BlockKit.failure("Sage could not read " + (files.isEmpty() ? "the pasted dump" : "the files"),
                            e, null));
                } catch (RuntimeException e) {
                    ticket.disarm();
                    LOG.error("analysing for channel {} thread {} failed", where.channel(), where.thread(), e);
                    reply.show(BlockKit.text(":warning: Sage failed unexpectedly (" + Mrkdwn.escape(e.getClass().getSimpleName())
                            + "); the bot's log has the details."));
                } finally {
                    metrics.diagnosis("files", Duration.ofNanos(System.nanoTime() - t0), outcome.equals("read"));
                    writeDone(record, "analyze", outcome, outcome.equals("read") ? "read" : "failed");
                }
            }

            @Override
            public void notRun(String why) {
                writeDone(record, "analyze", "not run: stopped", "not_run");
                reply.show(BlockKit.text(":warning: " + Mrkdwn.escape(why) + " before reading this; share the file again"
                        + " once it is back."));
            }
        });
        if (!admitted.accepted()) {
            writeDone(record, "analyze", "not run: busy", "busy");
            reply.show(BlockKit.text(":warning: " + refused(admitted) + "; share the file again in a minute."));
        }
    }

    /**
     * The profile's flame graphs, allocations then CPU, each as a PNG for the preview and an SVG for the file, and with
     * {@code before} the differential PNGs; one with nothing in it (no samples) is left out, and if they cannot be drawn
     * that is logged and they are left out.
     */
    private static List<SlackWeb.Upload> flames(dev.sage.service.ProfileReport r,
                                                Optional<dev.sage.service.ProfileReport> before, String name) {
        try {
            return dev.sage.chart.FlameGraph.pictures(r.profile(), r.target(),
                            before.map(dev.sage.service.ProfileReport::profile).orElse(null),
                            before.map(dev.sage.service.ProfileReport::target).orElse("")).stream()
                    .filter(p -> !p.empty() && !(p.diff() && p.file().endsWith(".svg")))
                    .map(p -> new SlackWeb.Upload(name + "-" + p.file(), p.title(), p.data()))
                    .toList();
        } catch (RuntimeException e) {
            LOG.warn("the flame graphs of {} could not be drawn", r.target(), e);
            return List.of();
        }
    }

    /** A flight recording someone shared: downloaded (within the same caps as a dump), read, and answered as a profile. */
    private void readRecording(Shared f, ThreadReply reply, RequestAudit record, String user, WorkPool.Ticket ticket) {
        String outcome = "failed";
        try {
            byte[] jfr = download(f).read();
            dev.sage.service.ProfileReport r = service.readRecording(f.name(), jfr);
            ticket.disarm();
            reply.show(BlockKit.profile(r, user));
            outcome = "read";
        } catch (IOException e) {
            ticket.disarm();
            reply.show(BlockKit.failure("Sage could not read " + f.name(), new DiagnosisException(
                    DiagnosisException.Kind.NOTHING_READ, f.name() + " " + e.getMessage()), null));
        } catch (DiagnosisException e) {
            ticket.disarm();
            reply.show(BlockKit.failure("Sage could not read " + f.name(), e, null));
        } catch (RuntimeException e) {
            ticket.disarm();
            LOG.error("reading a shared recording failed", e);
            reply.show(BlockKit.text(":warning: Sage failed unexpectedly (" + Mrkdwn.escape(e.getClass().getSimpleName())
                    + "); the bot's log has the details."));
        } finally {
            writeDone(record, "analyze", outcome, outcome.equals("read") ? "read" : "failed");
        }
    }

    /** A shared file, downloaded when read, within the size this Sage downloads and the memory it can spare. */
    private CaptureInput download(Shared f) {
        long cap = config.limits().analyzeMaxBytes();
        return new CaptureInput() {
            @Override
            public String name() {
                return f.name();
            }

            @Override
            public byte[] read() throws IOException {
                if (f.size() > cap) {
                    throw new IOException("is " + (f.size() >> 20) + " MiB, more than the " + (cap >> 20) + " MiB this Sage"
                            + " downloads (limits.analyze_max_mib)");
                }
                String tooLarge = MemoryGuard.refusal(Math.max(0, f.size()));
                if (tooLarge != null) {
                    throw new IOException(tooLarge);
                }
                return web.download(f.url(), Math.min(cap, MemoryGuard.maxInputBytes()));
            }
        };
    }

    private BlockKit.Message playbooks() {
        PlaybookLoader.Loaded loaded = service.playbooks(List.of());
        StringBuilder out = new StringBuilder("*Playbooks in force* (" + loaded.playbooks().size() + ")\n");
        for (Playbook p : loaded.playbooks()) {
            out.append("• `").append(Mrkdwn.code(p.id())).append("` ").append(p.severity().label())
                    .append(p.source().startsWith("builtin") ? "" : " — " + Mrkdwn.escape(p.source())).append('\n');
        }
        if (!loaded.replaced().isEmpty()) {
            out.append("*Changed by team files*\n");
            loaded.replaced().forEach(x -> out.append("• ").append(Mrkdwn.escape(x)).append('\n'));
        }
        List<String> refused = service.catalogue().map(c -> c.refusals().stream().map(Object::toString).toList())
                .orElseGet(() -> loaded.errors().stream().map(String::valueOf).toList());
        if (!refused.isEmpty()) {
            out.append("*Refused*\n");
            refused.forEach(e -> out.append("• ").append(Mrkdwn.escape(e)).append('\n'));
        }
        service.catalogue().ifPresent(c -> out.append("_Team directories: ").append(Mrkdwn.escape(c.dirs().stream()
                .map(Object::toString).collect(java.util.stream.Collectors.joining(", "))))
                .append("; a change is in force within a second. Admins can force it: `playbooks reload`._"));
        return BlockKit.text(out.toString());
    }

    /** {@code playbooks reload}, for admins: reads the team directories now and says what changed. */
    private BlockKit.Message reload(String user) {
        if (!isAdmin(user)) {
            return BlockKit.text(":no_entry: Only Sage's admins may reload the playbooks"
                    + (config.access().admins().isEmpty() ? " (its configuration names none)."
                    : ": " + String.join(" or ", config.access().admins().stream().map(Access::mention).toList()) + ".")
                    + " A change to a playbook file is picked up by itself within a second.");
        }
        Optional<dev.sage.playbook.TeamCatalogue> catalogue = service.catalogue();
        if (catalogue.isEmpty()) {
            return BlockKit.text("Sage has no team playbook directories (`playbooks:` in its configuration): only the"
                    + " built-ins are in force.");
        }
        dev.sage.playbook.TeamCatalogue.Reload r = catalogue.get().reload();
        tellAdmins(catalogue.get(), r.changes());
        StringBuilder out = new StringBuilder(r.changes().isEmpty() ? "Reloaded: nothing changed.\n" : "Reloaded:\n");
        r.changes().forEach(c -> out.append("• ").append(Mrkdwn.escape(c)).append('\n'));
        List<dev.sage.playbook.TeamCatalogue.Refusal> refused = catalogue.get().refusals();
        if (!refused.isEmpty()) {
            out.append("*Refused*\n");
            refused.forEach(x -> out.append("• ").append(Mrkdwn.escape(x.toString())).append('\n'));
        }
        return BlockKit.text(out.toString());
    }

    /**
     * The request a chat message makes: the configured defaults (namespace, context, plan, ladder) under what the
     * person said. A watch takes rounds over its duration.
     */
    DiagnoseRequest request(Conversation.Diagnose ask, String user) {
        Target target = Target.parse(ask.target(), true);
        BotConfig.Collection c = config.collection();
        CollectionPlan plan = CollectionPlan.defaults().withTimeout(c.timeout()).withRounds(c.rounds(), c.interval());
        if (!c.histogram()) {
            plan = plan.withoutHistogram();
        }
        if (ask.watchFor().isPresent()) {
            Duration w = ask.watchFor().get();
            Duration every = w.compareTo(c.interval().multipliedBy(2)) < 0 ? w.dividedBy(2) : c.interval();
            int rounds = (int) Math.min(10, w.toMillis() / Math.max(1, every.toMillis()) + 1);
            plan = plan.withRounds(Math.max(2, rounds), every);
        }
        boolean pod = target instanceof Target.Pod;
        Optional<String> namespace = pod ? ask.namespace().or(() -> Optional.of(config.kubernetes().defaultNamespace())
                .filter(n -> !n.isEmpty())) : ask.namespace();
        Optional<String> context = pod ? ask.context().or(() -> Optional.of(config.kubernetes().defaultContext())
                .filter(x -> !x.isEmpty())) : ask.context();
        return DiagnoseRequest.of(target)
                .withNamespace(namespace)
                .withContainer(ask.container())
                .withContext(context)
                .withCompare(ask.compareWith())
                .withJvm(ask.pid(), ask.mainClass())
                .withPlan(plan.withProfile(ask.profileFor()))
                .withLadder(pod ? new PodCollector.Options(c.copyJattach(), c.debugImage(), c.allowSigquit())
                        : PodCollector.Options.NONE)
                .withRequestedBy(user == null ? "" : user);
    }

    /** The text report behind the reply with this ts (what "Show raw" attaches), or null when no longer held. */
    String report(String ts) {
        return reports.get(ts);
    }

    /** True the first time this replica sees an event id: Slack redelivers an event it thinks was not acknowledged. */
    private boolean once(String eventId) {
        return eventId == null || seen.putIfAbsent(eventId, Boolean.TRUE) == null;
    }

    /**
     * True the first time any replica sharing the history sees an event id (Slack may redeliver to another replica).
     * When the history cannot say, the event is answered: twice is better than never. Old rows are pruned hourly.
     */
    private boolean onceAcrossReplicas(String eventId) {
        if (eventId == null || history == null) {
            return true;
        }
        try {
            long now = System.currentTimeMillis();
            long last = lastPrune.get();
            if (now - last > PRUNE_EVERY.toMillis() && lastPrune.compareAndSet(last, now)) {
                history.prune(java.time.Instant.now());
            }
            return history.firstSeen(eventId);
        } catch (java.sql.SQLException e) {
            LOG.warn("history {}: event {} could not be noted as seen: {}", history.url(), eventId, e.getMessage());
            return true;
        }
    }

    private static <K, V> Map<K, V> lru(int size) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > size;
            }
        };
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops taking work: diagnoses still waiting are told that Sage is restarting; those under way get
     * {@code limits.shutdown_grace} to finish, and are then stopped and say so in their threads.
     */
    @Override
    public void close() {
        stopping = true;
        if (watcher != null) {
            watcher.close();
        }
        try {
            closeWork();
        } finally {
            metrics.close();
            if (history != null) {
                history.close();
            }
        }
    }

    private void closeWork() {
        int stopped = pool.close(config.limits().shutdownGrace(), "Sage is restarting");
        if (stopped > 0) {
            LOG.warn("{} diagnoses were still running after {} and were stopped", stopped,
                    Durations.show(config.limits().shutdownGrace()));
        }
        replies.shutdown();
        digests.shutdownNow();
        try {
            replies.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
