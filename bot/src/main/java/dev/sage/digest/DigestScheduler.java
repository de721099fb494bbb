package dev.sage.digest;

import dev.sage.history.History;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Fires each configured digest on its cron expression, in its time zone, with Quartz. One digest never runs twice at
 * once; a digest missed while the bot was down, or while its previous run was still going, runs once when it can, not
 * once per missed slot ("fire and proceed").
 *
 * <p>Alone, the schedule is in memory. With a {@link Shared} database, every replica joins one clustered schedule
 * there: each firing runs on exactly one replica, and the firing of a replica that dies mid-run is run again by
 * another (Quartz's recovery, {@link Firing#recovering()}).
 *
 * <p>Thread-safe: Quartz's scheduler is. Digests run on Quartz's own threads (two).
 */
public final class DigestScheduler implements AutoCloseable {
    private static final String GROUP = "sage-digests";
    private static final String RUN = "sage.run";
    private static final String SPECS = "sage.specs";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Runs a digest when its time comes. */
    @FunctionalInterface
    public interface Runner {
        void run(DigestSpec spec, Firing firing);
    }

    /**
     * One firing.
     *
     * @param scheduledFor the time the expression named
     * @param instance the replica running it
     * @param recovering true when another replica began it and died
     */
    public record Firing(Instant scheduledFor, String instance, boolean recovering) {}

    /**
     * A PostgreSQL database the replicas share (its Quartz tables are created by the history's migrations).
     *
     * @param name the schedule's name: the same on every replica of one bot
     * @param checkin how often each replica says it is alive; a replica silent for longer (and 7.5 s) is taken as dead
     */
    public record Shared(String url, String user, String password, String name, Duration checkin) {}

    private final Scheduler scheduler;

    /** An in-memory schedule of {@code digests}, started. */
    public DigestScheduler(List<DigestSpec> digests, Runner run) throws SchedulerException {
        this(digests, run, null);
    }

    /**
     * Schedules {@code digests} and starts firing them; {@code run} is called with each when it fires.
     *
     * @param shared the database the replicas share, or null for an in-memory schedule
     * @throws SchedulerException when Quartz cannot start (the expressions were checked when the configuration loaded)
     */
    public DigestScheduler(List<DigestSpec> digests, Runner run, Shared shared) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        if (shared == null) {
            // a name of its own: several bots in one JVM (tests) must not share Quartz's scheduler repository entry
            p.setProperty("org.quartz.scheduler.instanceName", "sage-digests-" + INSTANCES.incrementAndGet());
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        } else {
            p.setProperty("org.quartz.scheduler.instanceName", shared.name());
            p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(shared.checkin().toMillis()));
            p.setProperty("org.quartz.jobStore.dataSource", "sage");
            p.setProperty("org.quartz.dataSource.sage.provider", "hikaricp");
            p.setProperty("org.quartz.dataSource.sage.driver", "org.postgresql.Driver");
            p.setProperty("org.quartz.dataSource.sage.URL", shared.url());
            p.setProperty("org.quartz.dataSource.sage.user", shared.user());
            p.setProperty("org.quartz.dataSource.sage.password", shared.password());
            // Quartz's advice: its threads (2) and 3 more
            p.setProperty("org.quartz.dataSource.sage.maxConnections", "5");
        }
        scheduler = new StdSchedulerFactory(p).getScheduler();
        try {
            scheduler.getContext().put(RUN, run);
            scheduler.getContext().put(SPECS, digests.stream().collect(Collectors.toUnmodifiableMap(DigestSpec::name, d -> d)));
            // digests no longer configured leave the (shared) schedule
            for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (digests.stream().noneMatch(d -> d.name().equals(key.getName()))) {
                    scheduler.deleteJob(key);
                }
            }
            for (DigestSpec d : digests) {
                schedule(d);
            }
            scheduler.start();
        } catch (SchedulerException | RuntimeException e) {
            scheduler.shutdown(false); // its threads and its connections, not left behind a schedule that never ran
            throw e;
        }
    }

    /**
     * Puts a digest on the schedule. A trigger already there with the same expression and zone (another replica's, or
     * this one's before a restart) is kept, with its next fire time and its misfire, unless Quartz put it in error.
     * Replicas starting together may race here: the one that comes second keeps the first one's trigger.
     */
    private void schedule(DigestSpec d) throws SchedulerException {
        JobKey job = JobKey.jobKey(d.name(), GROUP);
        TriggerKey key = TriggerKey.triggerKey(d.name(), GROUP);
        scheduler.addJob(JobBuilder.newJob(Fire.class).withIdentity(job).storeDurably().requestRecovery().build(), true);
        Trigger existing = scheduler.getTrigger(key);
        if (existing instanceof CronTrigger c && c.getCronExpression().equals(d.cron())
                && c.getTimeZone().getID().equals(TimeZone.getTimeZone(d.zone()).getID())
                && scheduler.getTriggerState(key) != Trigger.TriggerState.ERROR) {
            return;
        }
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key).forJob(job)
                .withSchedule(CronScheduleBuilder.cronSchedule(d.cron()).inTimeZone(TimeZone.getTimeZone(d.zone()))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
        try {
            if (existing == null) {
                scheduler.scheduleJob(trigger);
            } else {
                scheduler.rescheduleJob(key, trigger);
            }
        } catch (ObjectAlreadyExistsException e) {
            LoggerFactory.getLogger(DigestScheduler.class).info("digest {}: another replica scheduled it at the same"
                    + " moment; its trigger is kept", d.name());
        }
    }

    /** When {@code name} fires next, if it is scheduled. */
    public Optional<Instant> next(String name) throws SchedulerException {
        Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(name, GROUP));
        return t == null || t.getNextFireTime() == null ? Optional.empty() : Optional.of(t.getNextFireTime().toInstant());
    }

    /** Stops firing; a digest under way is left to finish on its own thread. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            LoggerFactory.getLogger(DigestScheduler.class).warn("stopping the digest schedule: {}", e.getMessage());
        }
    }

    /**
     * The time the expression named for this firing. A recovered firing runs on a one-off trigger of its own, which
     * carries the original time in its data.
     */
    private static Instant scheduledFor(JobExecutionContext context) {
        String original = context.isRecovering()
                ? context.getMergedJobDataMap().getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS)
                : null;
        if (original != null) {
            return Instant.ofEpochMilli(Long.parseLong(original));
        }
        Date at = context.getScheduledFireTime();
        return at == null ? Instant.now() : at.toInstant();
    }

    /**
     * {@code run}, posted at most once per firing across replicas and recoveries: a firing is claimed in the history
     * before it runs and marked posted when {@code run} returns, and a recovered firing that some replica already
     * posted is skipped. Without a history, {@code run} itself. When the history cannot be reached, the digest runs
     * anyway (a digest twice is better than none).
     */
    public static Runner onceEach(History history, Runner run) {
        if (history == null) {
            return run;
        }
        Logger log = LoggerFactory.getLogger(DigestScheduler.class);
        return (spec, firing) -> {
            try {
                if (!history.claim(spec.name(), firing.scheduledFor(), firing.instance())) {
                    log.info("digest {} of {} was already posted by another replica; not posted again", spec.name(),
                            firing.scheduledFor());
                    return;
                }
            } catch (SQLException e) {
                log.warn("digest {}: its firing could not be claimed in {} ({}); run anyway", spec.name(), history.url(),
                        e.getMessage());
            }
            run.run(spec, firing);
            try {
                history.posted(spec.name(), firing.scheduledFor());
            } catch (SQLException e) {
                log.warn("digest {}: its firing could not be marked posted in {}: {}", spec.name(), history.url(),
                        e.getMessage());
            }
        };
    }

    /** One firing: runs the digest its key names, if this replica's configuration has it. */
    @DisallowConcurrentExecution
    public static final class Fire implements Job {
        @Override
        @SuppressWarnings("unchecked")
        public void execute(JobExecutionContext context) throws JobExecutionException {
            String name = context.getJobDetail().getKey().getName();
            try {
                var specs = (Map<String, DigestSpec>) context.getScheduler().getContext().get(SPECS);
                var run = (Runner) context.getScheduler().getContext().get(RUN);
                DigestSpec spec = specs.get(name);
                if (spec == null) {
                    // a replica still on an older configuration (a rollout under way): this firing is lost
                    LoggerFactory.getLogger(DigestScheduler.class).error("digest {} fired on this replica, whose"
                            + " configuration does not have it, and was not run: configure every replica alike", name);
                    return;
                }
                run.run(spec, new Firing(scheduledFor(context), context.getScheduler().getSchedulerInstanceId(),
                        context.isRecovering()));
            } catch (SchedulerException | RuntimeException e) {
                // a digest's own failures are said in its channel; this one escaped it
                LoggerFactory.getLogger(DigestScheduler.class).error("digest {} failed", name, e);
            }
        }
    }
}
