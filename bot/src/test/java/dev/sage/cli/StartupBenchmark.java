package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.JcmdCommand;
import dev.sage.scenarios.ScenarioJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sage} command's start-up, whole process as a user runs it, side by side in one run on one target: a
 * one-round {@code sage diagnose local:PID} against one batched {@code jcmd PID -f} of the same commands,
 * {@code sage analyze} of a small dump, {@code sage --help}, through the launcher and with plain {@code java -jar}.
 * Run by hand after {@code mvn package} (see README, Benchmarks):
 *
 * <pre>java -cp "$(cat bot/target/test-classpath.txt):bot/target/test-classes:collectors/target/test-classes"
 *     dev.sage.cli.StartupBenchmark bot/target/sage 10</pre>
 */
public final class StartupBenchmark {
    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args.length > 0 ? args[0] : "bot/target/sage").toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path jar = launcher.resolveSibling("sage.jar");
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path dir = Files.createTempDirectory("sage-startup");
        try (ScenarioJvm target = ScenarioJvm.start("idle")) {
            String pid = Long.toString(target.pid());
            List<String> commands = new ArrayList<>();
            for (JcmdCommand c : CollectionPlan.defaults().commands()) {
                commands.add(c.command());
            }
            Path batch = Files.write(dir.resolve("commands.txt"), commands);
            Path dump = dir.resolve("threads.txt");
            run(List.of(jcmd, pid, "Thread.print", "-l"), dump);
            run(List.of(launcher.toString(), "--version"), null); // the launcher's archive, made once before timing

            System.out.printf(Locale.ROOT, "%-48s %9s %9s%n", "(" + runs + " runs each, wall time of the process)", "median",
                    "min");
            double jcmdRound = report("jcmd PID -f (the round's " + commands.size() + " commands)",
                    List.of(jcmd, pid, "-f", batch.toString()), runs);
            double diagnose = report("sage diagnose local:PID --rounds 1",
                    List.of(launcher.toString(), "diagnose", "local:" + pid, "--rounds", "1"), runs);
            report("java -jar sage.jar diagnose local:PID --rounds 1",
                    List.of(java, "-jar", jar.toString(), "diagnose", "local:" + pid, "--rounds", "1"), runs);
            report("sage analyze threads.txt (" + Files.size(dump) / 1024 + " KiB)",
                    List.of(launcher.toString(), "analyze", dump.toString()), runs);
            report("java -jar sage.jar analyze threads.txt",
                    List.of(java, "-jar", jar.toString(), "analyze", dump.toString()), runs);
            report("sage --help", List.of(launcher.toString(), "--help"), runs);
            report("java -jar sage.jar --help", List.of(java, "-jar", jar.toString(), "--help"), runs);
            report("java -version (a JVM's start alone)", List.of(java, "-Xshare:auto", "-version"), runs);
            System.out.printf(Locale.ROOT, "%ndiagnose / jcmd round: %.1f x; sage.jar: %.1f MB%n", diagnose / jcmdRound,
                    Files.size(jar) / 1e6);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** Runs {@code command} {@code runs} times and prints its median and fastest wall time; returns the median. */
    private static double report(String what, List<String> command, int runs) throws Exception {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            run(command, null);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[runs / 2];
        System.out.printf(Locale.ROOT, "%-48s %8.3fs %8.3fs%n", what, median, seconds[0]);
        return median;
    }

    private static void run(List<String> command, Path out) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out.toFile()));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish");
        }
    }
}
