package dev.sage.cluster;

import dev.sage.digest.DigestScheduler;
import dev.sage.digest.DigestSpec;
import dev.sage.history.History;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One replica of the bot's digest schedule, in a JVM of its own, on a shared PostgreSQL database. Prints {@code ready}
 * once connected, reads its digest's cron expression from the first line of stdin (so that a test can name a time
 * after every replica is up), then prints {@code scheduled}. Its digest "fleet" notes in {@code cluster_fired} each
 * firing as Quartz hands it over ({@code fired}), then, claimed and marked posted as the bot does
 * ({@link DigestScheduler#onceEach}), {@code started} and after {@code RUN_MILLIS} {@code finished}. Runs until stdin
 * closes or it is killed.
 *
 * <p>Arguments: URL RUN_MILLIS.
 */
public final class ClusterNode {
    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long runMillis = Long.parseLong(args[1]);
        History history = History.open(url, Postgres.USER, Postgres.PASSWORD, Duration.ofDays(30));
        Connection notes = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String cron = in.readLine();
        DigestSpec fleet = new DigestSpec("fleet", cron, ZoneOffset.UTC, "C0FLEET",
                new DigestSpec.Targets(true, List.of(), List.of()), false, 1, Duration.ofSeconds(5), Duration.ofSeconds(10));
        DigestScheduler.Runner posting = DigestScheduler.onceEach(history, (spec, firing) -> {
            try {
                note(notes, firing, "started");
                Thread.sleep(runMillis);
                note(notes, firing, "finished");
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        DigestScheduler schedule = new DigestScheduler(List.of(fleet), (spec, firing) -> {
            try {
                note(notes, firing, "fired");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            posting.run(spec, firing);
        }, new DigestScheduler.Shared(url, Postgres.USER, Postgres.PASSWORD, "sage-digests", Duration.ofSeconds(1)));
        System.out.println("scheduled");
        System.out.flush();
        while (in.readLine() != null) {
            // until the test closes stdin
        }
        schedule.close();
        history.close();
    }

    private static synchronized void note(Connection c, DigestScheduler.Firing firing, String phase) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_fired (scheduled_for, instance, pid,"
                + " recovering, phase) VALUES (?, ?, ?, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(firing.scheduledFor()));
            s.setString(2, firing.instance());
            s.setLong(3, ProcessHandle.current().pid());
            s.setBoolean(4, firing.recovering());
            s.setString(5, phase);
            s.executeUpdate();
        }
    }
}
