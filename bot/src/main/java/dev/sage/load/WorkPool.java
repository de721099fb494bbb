package dev.sage.load;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs on a bounded number of threads: at most {@code total} at once, and at most a set number per kind of target
 * (pods, SSH hosts, this machine, shared files), so that a slow cluster cannot take the threads a host needs. Jobs
 * beyond that wait in one first-in first-out queue of at most {@code queued}, and learn their place in it when they
 * are submitted. Each running job has a deadline: past it, its thread is interrupted (collections stop at an interrupt
 * and say so). {@link #close} finishes running jobs within a grace period, interrupts those that do not, and tells
 * every waiting job that it will not run.
 *
 * <p>Thread-safe: any thread may submit; jobs run on the pool's own daemon threads.
 */
public final class WorkPool implements AutoCloseable {
    /** Work to run, told why when it never runs. */
    public interface Job {
        /**
         * Runs on a pool thread. {@code ticket} says why the thread was interrupted, if it was; a job disarms it before
         * it replies, so that a deadline or a restart cannot cut its reply short.
         */
        void run(Ticket ticket);

        /** The job was dropped before it started: {@code why} is a sentence for the person who asked. */
        void notRun(String why);
    }

    /** A running job's view of its pool: why it was stopped, if it was. */
    public static final class Ticket {
        private String stopped;
        private boolean disarmed;

        /** Why the job's thread was interrupted ("its deadline of 5 min passed", "Sage is restarting"), if it was. */
        public synchronized Optional<String> stopped() {
            return Optional.ofNullable(stopped);
        }

        /**
         * The work that may be stopped is over (what is left is saying how it went): the thread is not interrupted
         * from now on, and an interrupt already delivered is cleared so that the job can still reply.
         */
        public synchronized void disarm() {
            disarmed = true;
            Thread.interrupted();
        }

        private synchronized void stop(Thread t, String why) {
            if (!disarmed && stopped == null) {
                stopped = why;
                t.interrupt();
            }
        }
    }

    /**
     * What became of a submission.
     *
     * @param place its place in the queue: 1 starts next; 0 when it started at once; -1 when refused
     * @param refusal why it was refused (the queue is full, the pool is closing); empty when accepted
     */
    public record Admitted(int place, Optional<String> refusal) {
        public boolean accepted() {
            return refusal.isEmpty();
        }
    }

    /** How busy the pool is. */
    public record Load(int running, int waiting, Map<String, Integer> runningByKind) {}

    private record Entry(String kind, Job job, Ticket ticket, Duration deadline) {}

    private final int total;
    private final Map<String, Integer> perKind;
    private final int queued;
    private final Duration deadline;
    private final Object lock = new Object();
    private final Deque<Entry> waiting = new ArrayDeque<>();
    private final Map<Entry, Thread> running = new HashMap<>();
    private final Map<String, Integer> runningByKind = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final AtomicInteger threads = new AtomicInteger();
    private final String name;
    private boolean closed;

    /**
     * @param total the most jobs running at once
     * @param perKind the most running at once of each kind; a kind not named is limited by {@code total} only
     * @param queued the most jobs waiting; beyond that a submission is refused
     * @param deadline how long a job may run before its thread is interrupted
     */
    public WorkPool(String name, int total, Map<String, Integer> perKind, int queued, Duration deadline) {
        if (total < 1 || queued < 0) {
            throw new IllegalArgumentException("a pool runs at least one job and queues none or more");
        }
        this.name = name;
        this.total = total;
        this.perKind = Map.copyOf(perKind);
        this.queued = queued;
        this.deadline = deadline;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-deadlines"));
    }

    /**
     * Starts {@code job} now if the pool has room for its kind, else queues it.
     *
     * @return where it stands: started, waiting in the queue, or refused and why
     */
    public Admitted submit(String kind, Job job) {
        return submit(kind, job, deadline);
    }

    /** As {@link #submit(String, Job)}, with a deadline of its own (a heap dump of a large heap takes minutes). */
    public Admitted submit(String kind, Job job, Duration deadline) {
        Entry e = new Entry(kind, job, new Ticket(), deadline);
        synchronized (lock) {
            if (closed) {
                return new Admitted(-1, Optional.of("Sage is restarting"));
            }
            if (room(kind)) {
                try {
                    start(e);
                } catch (OutOfMemoryError | RuntimeException x) {
                    return new Admitted(-1, Optional.of("Sage could not start a thread for it (" + x.getMessage() + ")"));
                }
                return new Admitted(0, Optional.empty());
            }
            if (waiting.size() >= queued) {
                return new Admitted(-1, Optional.of(running.size() + " diagnoses are running and " + waiting.size()
                        + " are waiting, as many as this Sage takes on"));
            }
            waiting.addLast(e);
            return new Admitted(waiting.size(), Optional.empty());
        }
    }

    /** How busy the pool is now. */
    public Load load() {
        synchronized (lock) {
            return new Load(running.size(), waiting.size(), Map.copyOf(runningByKind));
        }
    }

    /** Whether a job of {@code kind} may start now. Called holding the lock. */
    private boolean room(String kind) {
        return running.size() < total && runningByKind.getOrDefault(kind, 0) < perKind.getOrDefault(kind, total);
    }

    /**
     * Starts a job on a new thread. Called holding the lock, which the job's end also takes: it is on record as running
     * before it can end, and not at all when its thread cannot be started.
     */
    private void start(Entry e) {
        Thread t = daemon(() -> run(e), name + "-" + threads.incrementAndGet());
        t.start();
        running.put(e, t);
        runningByKind.merge(e.kind(), 1, Integer::sum);
    }

    private void run(Entry e) {
        ScheduledFuture<?> overdue = timer.schedule(() -> stop(e, "its deadline of "
                + dev.sage.config.Durations.show(e.deadline()) + " passed"), e.deadline().toMillis(), TimeUnit.MILLISECONDS);
        try {
            e.job().run(e.ticket());
        } catch (RuntimeException | Error x) {
            // the job reports its own failures; this one escaped it
            org.slf4j.LoggerFactory.getLogger(WorkPool.class).error("a job of kind {} failed", e.kind(), x);
        } finally {
            overdue.cancel(false);
            synchronized (lock) {
                running.remove(e);
                runningByKind.merge(e.kind(), -1, Integer::sum);
                // the first waiting job whose kind now has room starts: order is kept within a kind
                for (Iterator<Entry> it = waiting.iterator(); it.hasNext() && running.size() < total; ) {
                    Entry next = it.next();
                    if (room(next.kind())) {
                        it.remove();
                        try {
                            start(next);
                        } catch (OutOfMemoryError | RuntimeException x) {
                            next.job().notRun("Sage could not start a thread for it (" + x.getMessage() + ")");
                        }
                    }
                }
                lock.notifyAll();
            }
        }
    }

    /** Interrupts a running job, saying why; nothing when it has ended. */
    private void stop(Entry e, String why) {
        synchronized (lock) {
            Thread t = running.get(e);
            if (t != null) {
                e.ticket().stop(t, why);
            }
        }
    }

    /**
     * Stops taking work. Waiting jobs are told {@code why} and dropped; running jobs get {@code grace} to finish, then
     * are interrupted with {@code why} and get a little longer to say so. Returns how many were interrupted.
     */
    public int close(Duration grace, String why) {
        List<Entry> dropped;
        synchronized (lock) {
            closed = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Entry e : dropped) {
            try {
                e.job().notRun(why);
            } catch (RuntimeException x) {
                org.slf4j.LoggerFactory.getLogger(WorkPool.class).error("telling a dropped job failed", x);
            }
        }
        int interrupted = 0;
        try {
            if (!awaitIdle(grace)) {
                List<Entry> left;
                synchronized (lock) {
                    left = new ArrayList<>(running.keySet());
                }
                left.forEach(e -> stop(e, why));
                interrupted = left.size();
                awaitIdle(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        return interrupted;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30), "Sage is restarting");
    }

    private boolean awaitIdle(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        synchronized (lock) {
            while (!running.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
