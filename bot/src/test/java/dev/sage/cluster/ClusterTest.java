package dev.sage.cluster;

import dev.sage.history.History;
import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the digest schedule, each a JVM of its own with its own Quartz instance id, on one real PostgreSQL:
 * each firing runs on exactly one of them, and a firing whose replica is killed mid-run is run by the other, once.
 */
class ClusterTest {
    /** One row of {@code cluster_fired}. */
    record Fired(long scheduledFor, String instance, long pid, boolean recovering, String phase) {}

    @Test
    void twoReplicasFireEachSecondOfAnEverySecondDigestExactlyOnce() throws Exception {
        String url = prepare();
        try (ScenarioJvm a = node(url, 0); ScenarioJvm b = node(url, 0)) {
            schedule(List.of(a, b), "* * * * * ?");
            Thread.sleep(8_000);
            try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(DISTINCT instance_name) FROM qrtz_scheduler_state")) {
                r.next();
                assertThat(r.getInt(1)).as("both replicas checked in to the cluster, with instance ids of their own")
                        .isEqualTo(2);
            }
            a.process().getOutputStream().close();
            b.process().getOutputStream().close();
            assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(b.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        List<Fired> handed = fired(url).stream().filter(f -> f.phase().equals("fired")).toList();
        assertThat(handed).extracting(Fired::scheduledFor).as("Quartz handed no second to two replicas")
                .doesNotHaveDuplicates();
        List<Fired> started = fired(url).stream().filter(f -> f.phase().equals("started")).toList();
        System.out.printf("ClusterTest: %d firings, each once: %d on one replica, %d on the other%n", started.size(),
                started.stream().filter(f -> f.pid() == started.get(0).pid()).count(),
                started.stream().filter(f -> f.pid() != started.get(0).pid()).count());
        assertThat(started).as("about one firing a second for 8 s").hasSizeGreaterThanOrEqualTo(5);
        assertThat(started).extracting(Fired::scheduledFor).as("no second fired twice").doesNotHaveDuplicates();
        assertThat(started).noneMatch(Fired::recovering);
    }

    @Test
    void aReplicaKilledMidDigestLeavesItToTheOtherWhichRunsItOnceToItsEnd() throws Exception {
        String url = prepare();
        List<ScenarioJvm> nodes = new ArrayList<>(List.of(node(url, 20_000), node(url, 20_000)));
        try {
            // one firing, soon after both replicas are scheduling; each run takes 20 s
            ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(6);
            schedule(nodes, at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
                    + at.getMonthValue() + " ? " + at.getYear());
            Fired first = await(url, f -> f.phase().equals("started"), Duration.ofSeconds(30));
            ScenarioJvm running = nodes.stream().filter(n -> n.pid() == first.pid()).findFirst().orElseThrow();
            running.process().destroyForcibly(); // SIGKILL: no goodbye to the cluster
            running.process().waitFor();

            // the other replica finds it silent (1 s check-in, 7.5 s tolerance) and recovers the firing
            long killed = System.nanoTime();
            await(url, f -> f.phase().equals("started") && f.pid() != first.pid(), Duration.ofSeconds(60));
            System.out.printf("ClusterTest: the firing was recovered %.1f s after its replica was killed%n",
                    (System.nanoTime() - killed) / 1e9);
            Fired recovered = await(url, f -> f.phase().equals("finished"), Duration.ofSeconds(60));
            assertThat(recovered.pid()).as("run to its end by the replica still alive").isNotEqualTo(first.pid());
            assertThat(recovered.recovering()).as("a recovery, not a new firing").isTrue();
            assertThat(recovered.scheduledFor()).as("of the same firing").isEqualTo(first.scheduledFor());

            Thread.sleep(3_000);
            List<Fired> all = fired(url);
            assertThat(all).filteredOn(f -> f.phase().equals("finished")).as("posted once").hasSize(1);
            assertThat(all).filteredOn(f -> f.phase().equals("started")).as("begun by the dead, run again by the living")
                    .extracting(Fired::pid).containsExactly(first.pid(), recovered.pid());
            try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM digest_firings"
                         + " WHERE digest = 'fleet' AND posted_at IS NOT NULL")) {
                r.next();
                assertThat(r.getInt(1)).as("the firing is marked posted, so no third replica posts it again").isEqualTo(1);
            }
        } finally {
            nodes.forEach(ScenarioJvm::close);
        }
    }

    @Test
    void replicasShareTheHistoryItsTrendsAndTheirPostedFirings() throws Exception {
        String url = Postgres.freshSchema();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (History a = History.open(url, Postgres.USER, Postgres.PASSWORD, Duration.ofDays(30));
             History b = History.open(url, Postgres.USER, Postgres.PASSWORD, Duration.ofDays(30))) {
            a.record(List.of(new History.Point(now.minus(Duration.ofDays(40)), "daily", "orders", "pod/orders-1 -n prod",
                    "healthy", 900L << 20, 170L << 20, 512L << 20, 220, ""),
                    new History.Point(now, "daily", "orders", "pod/orders-1 -n prod", "warning", 1200L << 20, 170L << 20,
                            512L << 20, 940, "thread-leak")));
            assertThat(b.since("pod/orders-1 -n prod", now.minus(Duration.ofDays(7)))).as("written by one, read by the other")
                    .singleElement().satisfies(p -> assertThat(p.findings()).isEqualTo("thread-leak"))
                    .satisfies(p -> assertThat(p.at()).isEqualTo(now));
            assertThat(b.prune(now)).isEqualTo(1);

            assertThat(a.claim("daily", now, "replica-a")).isTrue();
            a.posted("daily", now);
            assertThat(b.claim("daily", now, "replica-b")).as("posted by the other replica").isFalse();
        }
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
             ResultSet r = c.createStatement().executeQuery("SELECT version FROM flyway_schema_history"
                     + " WHERE success ORDER BY installed_rank")) {
            List<String> versions = new ArrayList<>();
            while (r.next()) {
                versions.add(r.getString(1));
            }
            assertThat(versions).as("migrated from an empty database: the history, then the schedule's tables")
                    .containsExactly("1", "2", "2.1");
        }
    }

    /** A fresh schema with the history's migrations (the schedule's tables among them) and the nodes' notes. */
    private static String prepare() throws Exception {
        String url = Postgres.freshSchema();
        History.open(url, Postgres.USER, Postgres.PASSWORD, Duration.ofDays(1)).close();
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD)) {
            c.createStatement().execute("CREATE TABLE cluster_fired (scheduled_for TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " instance VARCHAR(200) NOT NULL, pid BIGINT NOT NULL, recovering BOOLEAN NOT NULL,"
                    + " phase VARCHAR(20) NOT NULL, at TIMESTAMP WITH TIME ZONE DEFAULT clock_timestamp())");
        }
        return url;
    }

    private static ScenarioJvm node(String url, long runMillis) throws Exception {
        return ScenarioJvm.launch(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(), url,
                Long.toString(runMillis)));
    }

    /** Gives every node its digest's expression, one after the other, each scheduled before the next starts. */
    private static void schedule(List<ScenarioJvm> nodes, String cron) throws Exception {
        for (ScenarioJvm n : nodes) {
            var stdin = n.process().getOutputStream();
            stdin.write((cron + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            stdin.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!n.output().contains("scheduled")) {
                assertThat(System.nanoTime()).as("scheduled in 30 s: %s", n.output()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static List<Fired> fired(String url) throws SQLException {
        List<Fired> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
             ResultSet r = c.createStatement().executeQuery("SELECT scheduled_for, instance, pid, recovering, phase"
                     + " FROM cluster_fired ORDER BY at")) {
            while (r.next()) {
                out.add(new Fired(r.getTimestamp(1).getTime(), r.getString(2), r.getLong(3), r.getBoolean(4), r.getString(5)));
            }
        }
        return out;
    }

    private static Fired await(String url, java.util.function.Predicate<Fired> which, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Fired f : fired(url)) {
                if (which.test(f)) {
                    return f;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not seen in " + timeout + ": " + fired(url));
    }
}
