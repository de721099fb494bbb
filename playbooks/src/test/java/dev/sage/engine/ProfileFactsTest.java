package dev.sage.engine;

import dev.sage.collect.Remedy;
import dev.sage.diagnosis.Finding;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.profile.Flame;
import dev.sage.profile.Profile;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recording given with the dumps is a fact the playbooks use: the thread leak names the stack that starts the threads,
 * a team's expression reads the profile, and a playbook that needs one says so when there is none.
 */
class ProfileFactsTest {
    private static final List<String> CLIENT_STACK = List.of("java.lang.Thread.start:798",
            "java.util.concurrent.ThreadPoolExecutor.addWorker:945", "java.util.concurrent.ThreadPoolExecutor.execute:1353",
            "com.example.BillingClient.<init>:42", "com.example.Checkout.pay:17", "com.example.Api.handle:88");

    /** Forty pools of one thread each, as a pool built per call leaves them; with {@code recording}, when not null. */
    private static JvmSnapshot leakingPools(Profile recording) {
        List<JvmThread> threads = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            threads.add(new JvmThread("pool-" + i + "-thread-1", -1, true, false, 5, ThreadState.WAITING, "parking", null,
                    null, -1, List.of(), List.of(), List.of(), null));
        }
        ThreadDump dump = new ThreadDump("", "", threads, List.of(), false);
        return new JvmSnapshot("t", -1, null, null, List.of(dump), List.of(), List.of(), null, null, null, null, null, null,
                recording, List.of());
    }

    /** A 30 s recording in which {@code started} threads were started, by the sites {@code starters} rank. */
    private static Profile recording(List<Profile.Site> starters, List<Profile.StartedThread> started, long startedInAll) {
        Flame none = new Flame("all", 0, List.of());
        return new Profile(Instant.EPOCH, Duration.ofSeconds(30), 0, List.of(), 0, List.of(), List.of(),
                new Profile.Gc(0, Duration.ZERO, Duration.ZERO, -1, -1), startedInAll, starters, List.of(), none, none,
                List.of(), started);
    }

    private static List<Profile.StartedThread> started(String site, String nameFormat, int from, int to) {
        List<Profile.StartedThread> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(new Profile.StartedThread(String.format(nameFormat, i), site));
        }
        return out;
    }

    private static Finding threadLeak(JvmSnapshot s) {
        return new Engine(PlaybookLoader.builtins().playbooks()).run(s).findings().stream()
                .filter(f -> f.id().equals("thread-leak")).findFirst().orElseThrow();
    }

    @Test
    void theThreadLeakNamesWhereTheLeakingFamilyIsStartedNotTheBusiestStarter() {
        // the busiest starter starts workers; the billing client starts a pool per call, and a few workers too
        List<Profile.StartedThread> started = new ArrayList<>(started("com.example.Workers.spawn", "worker-%d", 1, 90));
        started.addAll(started("com.example.BillingClient.<init>", "billing-worker-%d", 1, 5));
        started.addAll(started("com.example.BillingClient.<init>", "pool-%d-thread-1", 41, 75));
        Profile p = recording(List.of(
                new Profile.Site("com.example.Workers.spawn", 90, 90, List.of("java.lang.Thread.start:798",
                        "com.example.Workers.spawn:10"), List.of("worker-1", "worker-2", "worker-3")),
                new Profile.Site("com.example.BillingClient.<init>", 40, 40, CLIENT_STACK,
                        List.of("billing-worker-1", "billing-worker-2", "billing-worker-3"))), started, started.size());

        Finding f = threadLeak(leakingPools(p));

        assertThat(f.evidence()).contains(
                "started by com.example.BillingClient.<init> (35 threads of the family in the 30 s recording, 70 a minute,"
                        + " e.g. pool-41-thread-1, pool-42-thread-1, pool-43-thread-1)",
                "where they are started: com.example.BillingClient.<init>:42 <- com.example.Checkout.pay:17"
                        + " <- com.example.Api.handle:88");
    }

    @Test
    void aRecordingInWhichTheFamilyDidNotGrowSaysSoAndWithoutOneNothingIsClaimed() {
        List<Profile.Site> workers = List.of(new Profile.Site("com.example.Workers.spawn", 3, 3, List.of(),
                List.of("worker-1")));
        Profile quiet = recording(workers, started("com.example.Workers.spawn", "worker-%d", 1, 3), 3);

        assertThat(threadLeak(leakingPools(quiet)).evidence()).contains(
                "no thread named like pool-*-thread-1 was started in the 30 s recording: these threads were started"
                        + " before it");
        // a recording that kept only some of its starts by name cannot say none of them was one
        Profile cut = recording(workers, started("com.example.Workers.spawn", "worker-%d", 1, 3), 20_000);
        assertThat(threadLeak(leakingPools(cut)).evidence())
                .noneMatch(e -> e.contains("recording"));
        assertThat(threadLeak(leakingPools(null)).evidence()).noneMatch(e -> e.contains("recording") || e.contains("started by"));
    }

    @Test
    void aTeamExpressionReadsTheProfileAndSaysWhenThereIsNone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("threads-started.yaml"), """
                id: threads-started-fast
                title: "Threads are started fast"
                severity: warning
                requires: [profile]
                expr:
                  - "double(profile.threads_started) / profile.seconds > 1.0"
                  - "profile.thread_starters.exists(s, s.frame.startsWith('com.example.'))"
                evidence:
                  - "see the profile"
                """);
        var loaded = PlaybookLoader.directory(dir);
        assertThat(loaded.errors()).isEmpty();
        Profile p = recording(List.of(new Profile.Site("com.example.BillingClient.<init>", 35, 35, CLIENT_STACK,
                List.of("pool-41-thread-1"))), started("com.example.BillingClient.<init>", "pool-%d-thread-1", 41, 75), 35);

        Engine engine = new Engine(loaded.playbooks());
        assertThat(engine.run(leakingPools(p)).findings()).extracting(Finding::id)
                .containsExactly("threads-started-fast");
        Engine.Result without = engine.run(leakingPools(null));
        assertThat(without.findings()).isEmpty();
        assertThat(without.notEvaluated()).singleElement().satisfies(n -> {
            assertThat(n.what()).isEqualTo("threads-started-fast: needs a flight recording (JDK Flight Recorder) of the JVM");
            assertThat(n.remedies()).containsExactly(Remedy.PROFILE);
        });
    }
}
