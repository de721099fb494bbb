package dev.sage.history;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The history in an H2 file: kept across a restart, its schema created and versioned, old rows pruned. */
class HistoryTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    static History.Point point(Instant at, String target, long rssMib, long heapMib, int threads) {
        return new History.Point(at, "daily", "orders", target, "healthy", rssMib * MIB, heapMib * MIB, 512 * MIB, threads,
                "nmt-disabled");
    }

    @Test
    void rowsAreKeptAcrossARestartTheSchemaIsVersionedAndOldRowsArePruned() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("history") + ";AUTO_SERVER=TRUE";
        Instant now = Instant.parse("2026-12-07T09:00:00Z");
        try (History h = History.open(url, "sa", "", Duration.ofDays(30))) {
            h.record(List.of(point(now.minus(Duration.ofDays(40)), "pod/orders-1 -n prod", 100, 50, 200),
                    point(now.minus(Duration.ofDays(1)), "pod/orders-1 -n prod", 400, 50, 220),
                    point(now, "pod/orders-1 -n prod", 700, 52, 230),
                    point(now, "pod/billing-1 -n prod", 300, 100, 90)));
        }
        try (History h = History.open(url, "sa", "", Duration.ofDays(30))) {
            assertThat(h.since("pod/orders-1 -n prod", now.minus(Duration.ofDays(7))))
                    .extracting(History.Point::rss).containsExactly(400 * MIB, 700 * MIB);
            assertThat(h.prune(now)).as("the row older than the retention").isEqualTo(1);
            assertThat(h.since("pod/orders-1 -n prod", Instant.EPOCH)).hasSize(2);
        }
        try (var c = DriverManager.getConnection(url, "sa", "");
             ResultSet r = c.createStatement().executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\""
                     + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\" DESC")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("2");
            assertThat(r.getBoolean(2)).isTrue();
        }
    }

    @Test
    void aFileOfThePreviousSchemaVersionIsMigratedWithItsRowsKept() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("history");
        // a file as the first version of Sage's history left it: its schema, and a row
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/history").target("1").load().migrate();
        Instant then = Instant.parse("2026-12-01T09:00:00Z");
        try (var c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("INSERT INTO jvm_figures (at, source, service, target, status, rss, heap_used,"
                    + " heap_committed, threads, findings) VALUES (TIMESTAMP WITH TIME ZONE '2026-12-01 09:00:00+00',"
                    + " 'daily', 'orders', 'pod/orders-1 -n prod', 'healthy', 1024, 512, 768, 40, '')");
        }
        try (History h = History.open(url, "sa", "", Duration.ofDays(30))) {
            assertThat(h.since("pod/orders-1 -n prod", Instant.EPOCH)).singleElement()
                    .satisfies(p -> assertThat(p.at()).isEqualTo(then))
                    .satisfies(p -> assertThat(p.rss()).isEqualTo(1024));
            // and the new version's table is there: a firing is claimed once posted
            assertThat(h.claim("daily", then, "a")).isTrue();
            assertThat(h.claim("daily", then, "b")).as("claimed but not posted: a replica that died").isTrue();
            h.posted("daily", then);
            assertThat(h.claim("daily", then, "c")).as("posted: never again").isFalse();
            assertThat(h.claim("daily", then.plusSeconds(86_400), "c")).as("the next day's firing").isTrue();
        }
    }

    @Test
    void aSlowRssClimbWithAFlatHeapIsSteadyGrowthAndNoiseIsNot() {
        Instant now = Instant.parse("2026-12-07T09:00:00Z");
        List<History.Point> climbing = new ArrayList<>();
        for (int day = 5; day >= 0; day--) {
            climbing.add(point(now.minus(Duration.ofDays(day)), "t", 1000 + (5 - day) * 310L, 170, 220 + (5 - day) * 144));
        }
        Trend t = Trend.of(climbing);
        assertThat(t.growing()).isTrue();
        assertThat(t.growth()).contains("RSS +310 MiB/day for 5 days, heap flat");
        assertThat(t.change()).contains("RSS +310 MiB since the last run; threads 220 → 940 over 5 days");

        List<History.Point> noisy = new ArrayList<>();
        long[] rss = {1000, 1400, 900, 1500, 950, 1450};
        for (int i = 0; i < rss.length; i++) {
            noisy.add(point(now.minus(Duration.ofDays(5 - i)), "t", rss[i], 170, 220));
        }
        assertThat(Trend.of(noisy).growing()).as("up and down is not a leak").isFalse();

        assertThat(Trend.of(climbing.subList(4, 6)).growing()).as("two points over a day are too few to call").isFalse();
        assertThat(Trend.of(List.of(climbing.get(0))).change()).isEmpty();
    }
}
