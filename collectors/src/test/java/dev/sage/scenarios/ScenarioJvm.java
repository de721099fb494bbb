package dev.sage.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scenario} running in a child JVM, for tests: started on JDK 17 (this JVM's) or 25, waited for
 * until it says {@code ready}, killed on {@link #close()}.
 */
public final class ScenarioJvm implements AutoCloseable {
    /** Temurin 25 on this project's machines; tests on JDK 25 are skipped when it is absent. */
    public static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private final Process process;
    private final long pid;
    private final List<String> output = new ArrayList<>();

    private ScenarioJvm(Process process, long pid) {
        this.process = process;
        this.pid = pid;
    }

    /** Starts {@code scenario} on the JDK at {@code javaHome} with the given JVM options. */
    public static ScenarioJvm start(Path javaHome, String scenario, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.add("-Xmx128m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(Scenario.class.getName());
        cmd.add(scenario);
        cmd.addAll(List.of(args));
        return launch(cmd);
    }

    public static ScenarioJvm start(String scenario, String... jvmOptions) throws IOException {
        return start(Path.of(System.getProperty("java.home")), scenario, List.of(jvmOptions));
    }

    /** Starts {@code command} (which must run a Scenario) and waits for its {@code ready}. */
    public static ScenarioJvm launch(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ScenarioJvm jvm = new ScenarioJvm(p, p.pid());
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (jvm.output) {
                        jvm.output.add(line);
                    }
                    if (line.startsWith("ready")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.complete(false);
        }, "scenario-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.get(30, TimeUnit.SECONDS)) {
                jvm.close();
                throw new IllegalStateException("scenario exited before ready: " + jvm.output());
            }
        } catch (Exception e) {
            jvm.close();
            throw new IllegalStateException("scenario not ready in 30 s: " + jvm.output(), e);
        }
        return jvm;
    }

    public long pid() {
        return pid;
    }

    public Process process() {
        return process;
    }

    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() {
        dev.sage.transport.LocalTransport.killTree(process);
        try { // a killed JVM leaves its attach socket, which a later process with its pid would inherit
            java.nio.file.Files.deleteIfExists(Path.of("/tmp/.java_pid" + pid));
        } catch (IOException ignored) {
            // not ours to remove
        }
    }

    /**
     * A JRE of java.base only, without jcmd, as in a slim container image; jlinked once into {@code target/test-jre}.
     * Skips the test when this JDK has no jlink.
     */
    public static synchronized Path minimalJre() throws IOException, InterruptedException {
        Path jre = Path.of("target", "test-jre").toAbsolutePath();
        if (!java.nio.file.Files.isExecutable(jre.resolve("bin/java"))) {
            Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
            org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(jlink), "jlink absent");
            Process p = new ProcessBuilder(jlink.toString(), "--add-modules", "java.base", "--no-header-files",
                    "--no-man-pages", "--output", jre.toString()).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jlink failed");
            }
        }
        if (java.nio.file.Files.exists(jre.resolve("bin/jcmd"))) {
            throw new IllegalStateException(jre + " has a jcmd");
        }
        return jre;
    }

    /**
     * A directory holding only the shell tools Sage's scripts use, and {@code extra} ones, as links: a PATH for a
     * machine or container without a JDK.
     */
    public static Path toolsOnly(Path dir, String... extra) throws IOException {
        Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
        List<String> tools = new ArrayList<>(List.of("sh", "id", "cat", "grep", "readlink", "sed", "head", "tr", "kill", "sleep",
                "chmod", "wc", "rm"));
        tools.addAll(List.of(extra));
        for (String tool : tools) {
            Path real = Path.of("/usr/bin", tool);
            if (!java.nio.file.Files.exists(real)) {
                real = Path.of("/bin", tool);
            }
            if (java.nio.file.Files.exists(real)) {
                java.nio.file.Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        return bin;
    }

    /** Where the scenario classes are: they need nothing else. */
    /** The scenarios' classes, and the connection pool and database of {@code pool-exhaustion} when the tests have them. */
    static String classpath() {
        List<String> parts = new ArrayList<>();
        for (String name : List.of(Scenario.class.getName(), "com.zaxxer.hikari.HikariConfig", "org.h2.Driver",
                "org.slf4j.LoggerFactory")) {
            try {
                parts.add(Path.of(Class.forName(name, false, ScenarioJvm.class.getClassLoader())
                        .getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException absent) {
                // a scenario that needs it fails with a clear NoClassDefFoundError
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    public static boolean jdk25Present() {
        return Files.isExecutable(JDK25.resolve("bin").resolve("jcmd"));
    }
}
