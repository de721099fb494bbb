package dev.sage.digest;

import dev.sage.history.History;
import dev.sage.history.Trend;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Report;
import dev.sage.transport.ExecAudit;
import dev.sage.transport.ExecAudits;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a digest over a fleet through the one diagnosis service: at most {@code concurrency} targets at once, each
 * within its own deadline, the whole within the digest's. A target is judged and reduced to its {@link TargetSummary}
 * as soon as it is in (its captures are dropped then), and handed to a listener, so nothing is held for the whole
 * fleet. A target that hangs is reported unreachable at its deadline and never holds the others: its slot is freed
 * and its collection interrupted (a collection stops at an interrupt, and every command has its own timeout).
 *
 * <p>Thread-safe: each run uses its own threads.
 */
public final class DigestRunner {
    /** The window a trend is drawn over. */
    public static final Duration TREND_WINDOW = Duration.ofDays(7);

    /** How one target is diagnosed: the diagnosis service, or (in a benchmark) a simulated fleet. */
    @FunctionalInterface
    public interface Diagnose {
        Report diagnose(FleetTarget target) throws DiagnosisException;
    }

    private final Diagnose diagnose;
    private final Function<FleetTarget, ExecAudit> audits;
    private final History history;

    /**
     * @param audits the audit each target's commands are recorded in (the bot's), or null when none is kept (the command
     *     line, which runs with its user's own credentials)
     */
    public DigestRunner(DiagnosisService service, Function<FleetTarget, ExecAudit> audits) {
        this(service, audits, null);
    }

    /**
     * @param history where each target's figures are kept and its trend read from; null: no history
     */
    public DigestRunner(DiagnosisService service, Function<FleetTarget, ExecAudit> audits, History history) {
        this(t -> service.diagnose(t.request(), DiagnosisListener.NONE), audits, history);
    }

    /** As {@link #DigestRunner(DiagnosisService, Function, History)}, each target diagnosed by {@code diagnose}. */
    public DigestRunner(Diagnose diagnose, Function<FleetTarget, ExecAudit> audits, History history) {
        this.diagnose = diagnose;
        this.audits = audits;
        this.history = history;
    }

    /** Diagnoses every target of {@code fleet}, telling {@code each} of each summary as it comes in. */
    public DigestResult run(DigestSpec spec, Fleet.Listing fleet, Consumer<TargetSummary> each) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<FleetTarget> targets = fleet.targets();
        List<TargetSummary> out = new ArrayList<>();
        List<String> problems = new ArrayList<>(fleet.problems());
        if (targets.isEmpty()) {
            return new DigestResult(spec, started, Duration.ofNanos(System.nanoTime() - t0), out, problems);
        }
        AtomicInteger n = new AtomicInteger();
        // the slots: each waits for one target's diagnosis for at most its deadline
        ExecutorService slots = Executors.newFixedThreadPool(Math.min(spec.concurrency(), targets.size()),
                r -> daemon(r, "sage-digest-" + spec.name() + "-" + n.incrementAndGet()));
        // the diagnoses themselves: a hung one is interrupted and left behind, holding no slot
        ExecutorService work = Executors.newCachedThreadPool(r -> daemon(r, "sage-digest-" + spec.name() + "-work"));
        CompletionService<TargetSummary> done = new ExecutorCompletionService<>(slots);
        try {
            for (FleetTarget t : targets) {
                done.submit(() -> summary(t, spec.perTarget(), work));
            }
            long deadline = t0 + spec.deadline().toNanos();
            for (int received = 0; received < targets.size(); received++) {
                Future<TargetSummary> next = done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    int missing = targets.size() - received;
                    problems.add(missing + " of " + targets.size() + " targets were still out when the digest's deadline of "
                            + dev.sage.config.Durations.show(spec.deadline()) + " passed (digests[].deadline)");
                    break;
                }
                TargetSummary s = next.get();
                if (history != null && s.status() != TargetSummary.Status.UNREACHABLE) {
                    s = withHistory(s, spec, started, problems);
                }
                out.add(s);
                each.accept(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("the digest was stopped before every target was in");
        } catch (ExecutionException e) {
            problems.add("the digest failed: " + e.getCause());
        } finally {
            slots.shutdownNow();
            work.shutdownNow();
        }
        return new DigestResult(spec, started, Duration.ofNanos(System.nanoTime() - t0), out, problems);
    }

    /** The target's trend over {@link #TREND_WINDOW}, this run included, and this run kept in the history. */
    private TargetSummary withHistory(TargetSummary s, DigestSpec spec, Instant at, List<String> problems) {
        History.Point now = s.point(at, spec.name());
        try {
            List<History.Point> window = new ArrayList<>(history.since(s.target().name(), at.minus(TREND_WINDOW)));
            window.add(now);
            history.record(List.of(now));
            return s.withTrend(Trend.of(window));
        } catch (java.sql.SQLException e) {
            if (problems.stream().noneMatch(p -> p.startsWith("the history"))) {
                problems.add("the history (" + history.url() + ") could not be read or written: " + e.getMessage());
            }
            return s;
        }
    }

    /** One target, judged within {@code deadline}, or unreachable and why. */
    private TargetSummary summary(FleetTarget t, Duration deadline, ExecutorService work) throws InterruptedException {
        Future<Report> report = work.submit(() -> {
            ExecAudit audit = audits == null ? null : audits.apply(t);
            return audit == null ? diagnose.diagnose(t) : ExecAudits.with(audit, () -> diagnose.diagnose(t));
        });
        try {
            return TargetSummary.of(t, report.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            report.cancel(true);
            return TargetSummary.unreachable(t, "no answer within " + dev.sage.config.Durations.show(deadline)
                    + " (digests[].per_target)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return TargetSummary.unreachable(t, cause instanceof DiagnosisException d ? d.getMessage()
                    : "Sage failed (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            report.cancel(true);
            throw e;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
