package dev.sage.cluster;

import dev.sage.digest.DigestScheduler;
import dev.sage.digest.DigestSpec;
import dev.sage.history.History;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One replica of the bot's digest schedule, in a JVM of its own, on a shared PostgreSQL database: its digest
 * "fleet" notes each firing in {@code cluster_fired} (started, then finished after {@code RUN_MILLIS}), claimed and
 * marked posted as the bot does ({@link DigestScheduler#onceEach}). Prints {@code ready} once scheduling.
 *
 * <p>Arguments: URL CRON RUN_MILLIS.
 */
public final class ClusterNode {
    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long runMillis = Long.parseLong(args[2]);
        DigestSpec fleet = new DigestSpec("fleet", args[1], ZoneOffset.UTC, "C0FLEET",
                new DigestSpec.Targets(true, List.of(), List.of()), false, 1, Duration.ofSeconds(5), Duration.ofSeconds(10));
        History history = History.open(url, Postgres.USER, Postgres.PASSWORD, Duration.ofDays(30));
        Connection notes = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
        DigestScheduler.Runner run = DigestScheduler.onceEach(history, (spec, firing) -> {
            try {
                note(notes, firing, "started");
                Thread.sleep(runMillis);
                note(notes, firing, "finished");
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        DigestScheduler schedule = new DigestScheduler(List.of(fleet), run,
                new DigestScheduler.Shared(url, Postgres.USER, Postgres.PASSWORD, "sage-digests", Duration.ofSeconds(1)));
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        // until the test closes stdin or kills this JVM
        while (System.in.read() != -1) {
            // nothing to read
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
