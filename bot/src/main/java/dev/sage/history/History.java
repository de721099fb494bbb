package dev.sage.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of every digest run (and diagnosis) per target, kept for {@code retention}, for trends: an H2 file by
 * default, or any JDBC database the URL names. The schema is versioned and migrated when it is opened (Flyway,
 * {@code db/history}), so a newer Sage reads an older file. It also notes which digest firings were posted and which
 * Slack events were taken, so that replicas sharing it post each firing once ({@link #claim}) and answer each event
 * once ({@link #firstSeen}), and the audit they share ({@link #audit}). In PostgreSQL it holds the replicas' digest
 * schedule too (Quartz's tables, {@code db/schedule/postgresql}).
 *
 * <p>Thread-safe: each call takes a connection of a small pool (4), so a database that restarted is reconnected to on
 * the next call.
 */
public final class History implements AutoCloseable {
    /** One target's figures at one time; -1 for what was not known. */
    public record Point(Instant at, String source, String service, String target, String status, long rss, long heapUsed,
                        long heapCommitted, int threads, String findings) {}

    private final HikariDataSource pool;
    private final Duration retention;
    private final String url;

    private History(String url, HikariDataSource pool, Duration retention) {
        this.url = url;
        this.pool = pool;
        this.retention = retention;
    }

    /**
     * Opens the history at {@code url} ({@code jdbc:h2:file:/var/lib/sage/history}, {@code jdbc:postgresql://…}),
     * creating or migrating its schema.
     *
     * @throws SQLException when it cannot be opened or migrated, with the database's reason
     */
    public static History open(String url, String user, String password, Duration retention) throws SQLException {
        try {
            // the schedule's tables only where replicas share the database
            String[] locations = url.startsWith("jdbc:postgresql:")
                    ? new String[] {"classpath:db/history", "classpath:db/schedule/postgresql"}
                    : new String[] {"classpath:db/history"};
            Flyway.configure().dataSource(url, user, password).locations(locations).loggers("slf4j").load().migrate();
        } catch (org.flywaydb.core.api.FlywayException e) {
            // Flyway's first line says why; the rest is a banner and its SQL state
            throw new SQLException("the history's schema could not be created or migrated at " + url + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip(), e);
        }
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setPoolName("sage-history");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(5_000); // a database that is down fails a call in seconds, not in minutes
        pool.setInitializationFailTimeout(5_000);
        try {
            return new History(url, new HikariDataSource(pool), retention);
        } catch (RuntimeException e) {
            throw new SQLException("the history at " + url + " could not be opened: " + e.getMessage(), e);
        }
    }

    /** Where it is, for messages. */
    public String url() {
        return url;
    }

    /** Adds points, in one transaction. */
    public void record(List<Point> points) throws SQLException {
        if (points.isEmpty()) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO jvm_figures (at, source, service, target,"
                    + " status, rss, heap_used, heap_committed, threads, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Point p : points) {
                    s.setTimestamp(1, Timestamp.from(p.at()));
                    s.setString(2, cut(p.source(), 100));
                    s.setString(3, cut(p.service(), 300));
                    s.setString(4, cut(p.target(), 300));
                    s.setString(5, p.status());
                    s.setLong(6, p.rss());
                    s.setLong(7, p.heapUsed());
                    s.setLong(8, p.heapCommitted());
                    s.setInt(9, p.threads());
                    s.setString(10, cut(p.findings(), 1000));
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** The points of {@code target} from {@code since} on, oldest first. */
    public List<Point> since(String target, Instant since) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT at, source, service, target, status, rss, heap_used,"
                     + " heap_committed, threads, findings FROM jvm_figures WHERE target = ? AND at >= ? ORDER BY at")) {
            s.setString(1, cut(target, 300));
            s.setTimestamp(2, Timestamp.from(since));
            List<Point> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Point(r.getTimestamp(1).toInstant(), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getInt(9), r.getString(10)));
                }
            }
            return out;
        }
    }

    /**
     * Claims one scheduled firing of a digest for {@code instance}: true when no replica has posted it yet (a firing
     * claimed by a replica that died is claimed again), false when one has. The schedule makes sure only one replica
     * runs a firing at a time.
     */
    public boolean claim(String digest, Instant scheduledFor, String instance) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO digest_firings (digest, scheduled_for, instance,"
                    + " claimed_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, cut(digest, 200));
                s.setTimestamp(2, Timestamp.from(scheduledFor));
                s.setString(3, cut(instance, 200));
                s.setTimestamp(4, Timestamp.from(Instant.now()));
                s.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!duplicate(e)) {
                    throw e;
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE digest_firings SET instance = ?, claimed_at = ?"
                    + " WHERE digest = ? AND scheduled_for = ? AND posted_at IS NULL")) {
                s.setString(1, cut(instance, 200));
                s.setTimestamp(2, Timestamp.from(Instant.now()));
                s.setString(3, cut(digest, 200));
                s.setTimestamp(4, Timestamp.from(scheduledFor));
                return s.executeUpdate() == 1;
            }
        }
    }

    /** Notes that a claimed firing was posted: it is never posted again. */
    public void posted(String digest, Instant scheduledFor) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE digest_firings SET posted_at = ? WHERE digest = ?"
                     + " AND scheduled_for = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            s.setString(2, cut(digest, 200));
            s.setTimestamp(3, Timestamp.from(scheduledFor));
            s.executeUpdate();
        }
    }

    /**
     * True the first time any replica sharing this history sees the Slack event {@code eventId}, false when one took it
     * already (Slack redelivers an event it thinks was not acknowledged, possibly to another replica).
     */
    public boolean firstSeen(String eventId) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO slack_events (event_id, seen_at) VALUES (?, ?)")) {
            s.setString(1, cut(eventId, 100));
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (duplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    /** One line of the audit as written ({@code line}: its JSON), with the user it concerns (empty for none). */
    public void audit(Instant at, String event, String user, String line) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (at, event, user_id, line)"
                     + " VALUES (?, ?, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, cut(event, 40));
            s.setString(3, cut(user, 100));
            s.setString(4, line);
            s.executeUpdate();
        }
    }

    /**
     * The audit's last {@code limit} lines (their JSON) from {@code since} on, of {@code user} when given, oldest
     * first: what every replica sharing this database wrote.
     */
    public List<String> auditLines(Instant since, String user, int limit) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT line FROM (SELECT id, line FROM audit_events WHERE at >= ?"
                     + (user == null ? "" : " AND user_id = ?") + " ORDER BY id DESC LIMIT ?) tail_rows ORDER BY id")) {
            s.setTimestamp(1, Timestamp.from(since));
            int i = 2;
            if (user != null) {
                s.setString(i++, cut(user, 100));
            }
            s.setInt(i, limit);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    /**
     * Removes figures, firings and audit lines older than the retention, and events seen over a day ago; returns how
     * many rows of figures went.
     */
    public int prune(Instant now) throws SQLException {
        Timestamp before = Timestamp.from(now.minus(retention));
        try (Connection c = pool.getConnection();
             PreparedStatement firings = c.prepareStatement("DELETE FROM digest_firings WHERE scheduled_for < ?");
             PreparedStatement audit = c.prepareStatement("DELETE FROM audit_events WHERE at < ?");
             PreparedStatement events = c.prepareStatement("DELETE FROM slack_events WHERE seen_at < ?");
             PreparedStatement figures = c.prepareStatement("DELETE FROM jvm_figures WHERE at < ?")) {
            firings.setTimestamp(1, before);
            firings.executeUpdate();
            audit.setTimestamp(1, before);
            audit.executeUpdate();
            events.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(1))));
            events.executeUpdate();
            figures.setTimestamp(1, before);
            return figures.executeUpdate();
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A unique key violation (the same SQLSTATE in H2 and PostgreSQL). */
    private static boolean duplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
    }
}
