package dev.sage.digest;

import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Fires each configured digest on its cron expression, in its time zone, with Quartz (an in-memory job store). One
 * digest never runs twice at once; a digest missed while the bot was down, or while its previous run was still going,
 * runs once when it can, not once per missed slot ("fire and proceed").
 *
 * <p>Thread-safe: Quartz's scheduler is. Digests run on Quartz's own threads (two).
 */
public final class DigestScheduler implements AutoCloseable {
    private static final String GROUP = "sage-digests";
    private static final String RUN = "sage.run";
    private static final String SPECS = "sage.specs";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Scheduler scheduler;

    /**
     * Schedules {@code digests} and starts firing them; {@code run} is called with each when it fires.
     *
     * @throws SchedulerException when Quartz cannot start (the expressions were checked when the configuration loaded)
     */
    public DigestScheduler(List<DigestSpec> digests, Consumer<DigestSpec> run) throws SchedulerException {
        Properties p = new Properties();
        // a name of its own: several bots in one JVM (tests) must not share Quartz's scheduler repository entry
        p.setProperty("org.quartz.scheduler.instanceName", "sage-digests-" + INSTANCES.incrementAndGet());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getContext().put(RUN, run);
        scheduler.getContext().put(SPECS, digests.stream().collect(Collectors.toUnmodifiableMap(DigestSpec::name, d -> d)));
        for (DigestSpec d : digests) {
            scheduler.scheduleJob(JobBuilder.newJob(Fire.class).withIdentity(d.name(), GROUP).build(),
                    TriggerBuilder.newTrigger().withIdentity(d.name(), GROUP)
                            .withSchedule(CronScheduleBuilder.cronSchedule(d.cron()).inTimeZone(TimeZone.getTimeZone(d.zone()))
                                    .withMisfireHandlingInstructionFireAndProceed())
                            .build());
        }
        scheduler.start();
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
            org.slf4j.LoggerFactory.getLogger(DigestScheduler.class).warn("stopping the digest schedule: {}", e.getMessage());
        }
    }

    /** One firing: runs the digest its key names. */
    @DisallowConcurrentExecution
    public static final class Fire implements Job {
        @Override
        @SuppressWarnings("unchecked")
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                JobKey key = context.getJobDetail().getKey();
                var specs = (Map<String, DigestSpec>) context.getScheduler().getContext().get(SPECS);
                var run = (Consumer<DigestSpec>) context.getScheduler().getContext().get(RUN);
                run.accept(specs.get(key.getName()));
            } catch (SchedulerException | RuntimeException e) {
                // a digest's own failures are said in its channel; this one escaped it
                org.slf4j.LoggerFactory.getLogger(DigestScheduler.class).error("digest {} failed",
                        context.getJobDetail().getKey().getName(), e);
            }
        }
    }
}
