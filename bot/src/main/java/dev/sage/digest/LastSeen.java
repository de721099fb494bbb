package dev.sage.digest;

import dev.sage.diagnosis.Units;
import dev.sage.history.History;
import dev.sage.history.Trend;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.Report;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A diagnosis asked for in chat, against the history: kept there as a point of its target (so that digests' trends
 * include it), and compared with the last point seen before it, by a digest or an earlier diagnosis. Stateless.
 */
public final class LastSeen {
    /** How far back a previous point still counts. */
    static final Duration WINDOW = Duration.ofDays(7);
    /** The history's source for diagnoses from chat. */
    public static final String CHAT = "chat";

    private static final Pattern POD = Pattern.compile("(pod/\\S+ -n \\S+)( -c \\S+)? pid \\d+");
    private static final Pattern LOCAL = Pattern.compile("local pid (\\d+)");
    private static final Pattern SSH = Pattern.compile("(ssh://\\S+)( as \\S+)? pid \\d+");

    private LastSeen() {
    }

    /**
     * The name a digest gives the JVM a report is of ({@code pod/NAME -n NS}, {@code local:PID},
     * {@code ssh://user@host}), or empty for what no digest names (a shared file, a JVM seen through something else).
     */
    public static Optional<String> target(Report report) {
        String where = report.snapshot().target();
        if (where == null) {
            return Optional.empty();
        }
        Matcher m = POD.matcher(where);
        if (m.matches()) {
            return Optional.of(m.group(1));
        }
        m = LOCAL.matcher(where);
        if (m.matches()) {
            return Optional.of("local:" + m.group(1));
        }
        m = SSH.matcher(where);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Keeps {@code report} in {@code history} at {@code at}, and says how it compares with the last point seen before
     * it ({@code Last seen 20 h ago by digest daily (healthy): RSS +310 MiB since the last run}), or empty when its
     * target has no earlier point in the window or no name a digest would give it.
     *
     * @throws SQLException when the history cannot be read or written
     */
    public static Optional<String> keep(History history, Report report, DiagnoseRequest request, Instant at)
            throws SQLException {
        Optional<String> name = target(report);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        TargetSummary now = TargetSummary.of(new FleetTarget(name.get(), name.get(), name.get(), request), report);
        History.Point point = now.point(at, CHAT);
        List<History.Point> window = new ArrayList<>(history.since(name.get(), at.minus(WINDOW)));
        history.record(List.of(point));
        if (window.isEmpty()) {
            return Optional.empty();
        }
        History.Point last = window.get(window.size() - 1);
        window.add(point);
        String by = last.source().equals(CHAT) ? "a diagnosis" : "digest " + last.source();
        StringBuilder words = new StringBuilder("Last seen " + ago(Duration.between(last.at(), at)) + " by " + by
                + " (" + last.status() + "): RSS " + figure(last.rss()) + ", heap " + figure(last.heapUsed()) + ", "
                + (last.threads() < 0 ? "?" : last.threads()) + " threads");
        Trend.of(window).change().ifPresent(c -> words.append(". ").append(Character.toUpperCase(c.charAt(0)))
                .append(c.substring(1)));
        return Optional.of(words.toString());
    }

    private static String figure(long bytes) {
        return bytes < 0 ? "?" : Units.bytes(bytes);
    }

    private static String ago(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 90) {
            return minutes + " min ago";
        }
        long hours = Math.round(minutes / 60.0);
        return hours < 48 ? hours + " h ago" : Math.round(hours / 24.0) + " days ago";
    }
}
