package dev.sage.cluster;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL on loopback that {@code .ci/postgres} sets up (role {@code sage}, database {@code sage_test}). When
 * none answers, the first test to ask runs that script (as root, where it can install and start it) and skips when
 * there is still none. Each test gets a schema of its own, so that tests never see each other's rows.
 */
public final class Postgres {
    static final String USER = "sage";
    static final String PASSWORD = "sage";
    private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/sage_test";
    private static final AtomicLong SCHEMAS = new AtomicLong(System.currentTimeMillis());
    private static Boolean up;

    private Postgres() {
    }

    /** A URL to an empty schema of its own; skips the test when there is no database. */
    public static synchronized String freshSchema() throws SQLException {
        if (up == null) {
            up = reachable() || (setUp() && reachable());
        }
        Assumptions.assumeTrue(up, "no PostgreSQL on 127.0.0.1:5432 with database sage_test (run .ci/postgres as root)");
        String schema = "t" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(DATABASE, USER, PASSWORD)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return DATABASE + "?currentSchema=" + schema;
    }

    private static boolean reachable() {
        try (Connection c = DriverManager.getConnection(DATABASE + "?connectTimeout=3", USER, PASSWORD)) {
            return c.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean setUp() {
        Path script = Path.of("..", ".ci", "postgres");
        if (!Files.isRegularFile(script) || !"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
