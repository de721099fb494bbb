package dev.sage.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkPoolTest {
    /** A job that runs until released (or interrupted), and records what happened to it. */
    static final class Held implements WorkPool.Job {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final List<String> said = new CopyOnWriteArrayList<>();

        @Override
        public void run(WorkPool.Ticket ticket) {
            started.countDown();
            try {
                release.await();
                said.add("finished");
            } catch (InterruptedException e) {
                said.add("stopped: " + ticket.stopped().orElse("?"));
            } finally {
                ended.countDown();
            }
        }

        @Override
        public void notRun(String why) {
            said.add("not run: " + why);
            ended.countDown();
        }

        boolean running() {
            return started.getCount() == 0 && ended.getCount() == 1;
        }
    }

    @Test
    void jobsBeyondTheLimitOfTheirKindWaitInOrderWhileOtherKindsRun() throws Exception {
        try (WorkPool pool = new WorkPool("test", 3, Map.of("pod", 1), 10, Duration.ofMinutes(1))) {
            Held pod1 = new Held();
            Held pod2 = new Held();
            Held pod3 = new Held();
            Held host = new Held();
            assertThat(pool.submit("pod", pod1).place()).isZero();
            assertThat(pool.submit("pod", pod2).place()).as("the second pod waits first in line").isEqualTo(1);
            assertThat(pool.submit("pod", pod3).place()).isEqualTo(2);
            assertThat(pool.submit("ssh", host).place()).as("a host does not wait behind pods").isZero();
            assertThat(host.started.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.load().running()).isEqualTo(2);
            assertThat(pool.load().waiting()).isEqualTo(2);

            pod1.release.countDown();
            assertThat(pod2.started.await(5, TimeUnit.SECONDS)).as("the first in line starts when its kind has room").isTrue();
            assertThat(pod3.running()).isFalse();
            pod2.release.countDown();
            assertThat(pod3.started.await(5, TimeUnit.SECONDS)).isTrue();
            pod3.release.countDown();
            host.release.countDown();
            assertThat(pod3.ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(pod1.said).containsExactly("finished");
        }
    }

    @Test
    void aFullQueueRefusesSayingHowBusyThePoolIs() {
        try (WorkPool pool = new WorkPool("test", 1, Map.of(), 1, Duration.ofMinutes(1))) {
            Held running = new Held();
            Held waiting = new Held();
            pool.submit("local", running);
            assertThat(pool.submit("local", waiting).accepted()).isTrue();
            WorkPool.Admitted refused = pool.submit("local", new Held());
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.place()).isEqualTo(-1);
            assertThat(refused.refusal()).contains("1 diagnoses are running and 1 are waiting, as many as this Sage takes on");
            running.release.countDown();
            waiting.release.countDown();
        }
    }

    @Test
    void aJobPastItsDeadlineIsInterruptedAndToldWhy() throws Exception {
        try (WorkPool pool = new WorkPool("test", 1, Map.of(), 1, Duration.ofMillis(300))) {
            Held slow = new Held();
            pool.submit("pod", slow);
            assertThat(slow.ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(slow.said).containsExactly("stopped: its deadline of 300 ms passed");
            // the job has said so; its slot frees as its thread ends
            for (long until = System.nanoTime() + 5_000_000_000L; pool.load().running() > 0 && System.nanoTime() < until; ) {
                Thread.sleep(10);
            }
            Held next = new Held();
            assertThat(pool.submit("pod", next).place()).as("its slot is free again").isZero();
            next.release.countDown();
            assertThat(next.ended.await(5, TimeUnit.SECONDS)).isTrue();

            // a job may bring a deadline of its own (a heap dump takes minutes)
            Held own = new Held();
            pool.submit("pod", own, Duration.ofMillis(100));
            assertThat(own.ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(own.said).containsExactly("stopped: its deadline of 100 ms passed");
        }
    }

    @Test
    void closingLetsRunningJobsFinishWithinTheGraceStopsTheRestAndTellsThoseWaiting() throws Exception {
        WorkPool pool = new WorkPool("test", 2, Map.of(), 5, Duration.ofMinutes(1));
        Held quick = new Held();
        Held slow = new Held();
        Held waiting = new Held();
        pool.submit("pod", quick);
        pool.submit("pod", slow);
        pool.submit("pod", waiting);
        assertThat(quick.started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.started.await(5, TimeUnit.SECONDS)).isTrue();
        new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // released below anyway
            }
            quick.release.countDown();
        }).start();

        long t0 = System.nanoTime();
        int stopped = pool.close(Duration.ofSeconds(1), "Sage is restarting");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(stopped).isEqualTo(1);
        assertThat(took).as("the grace, and not much more").isBetween(900L, 5_000L);
        assertThat(quick.said).containsExactly("finished");
        assertThat(slow.said).containsExactly("stopped: Sage is restarting");
        assertThat(waiting.said).containsExactly("not run: Sage is restarting");
        WorkPool.Admitted late = pool.submit("pod", new Held());
        assertThat(late.refusal()).contains("Sage is restarting");
    }
}
