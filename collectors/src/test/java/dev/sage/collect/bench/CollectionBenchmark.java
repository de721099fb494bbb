package dev.sage.collect.bench;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JcmdCommand;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.LocalTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wall time of one collection round of the default plan, on one target JVM (the blocked-on-monitor
 * scenario) in one run: {@code floor} is one batched {@code jcmd PID -f FILE} run by hand, {@code sage} is
 * Sage's collection (the batch with its split markers, plus the /proc and cgroup read), {@code naive} is one
 * jcmd start per command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class CollectionBenchmark {
    private ScenarioJvm target;
    private Path planFile;
    private String jcmd;
    private Collector collector;
    private final CollectionPlan plan = CollectionPlan.defaults();

    @Setup(Level.Trial)
    public void start() throws Exception {
        target = ScenarioJvm.start("blocked-on-monitor");
        jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        planFile = Files.createTempFile("plan", ".jcmd");
        Files.write(planFile, plan.commands().stream().map(JcmdCommand::command).toList());
        collector = new Collector(new LocalTransport());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        target.close();
        Files.deleteIfExists(planFile);
    }

    @Benchmark
    public int floor() throws Exception {
        return run(List.of(jcmd, Long.toString(target.pid()), "-f", planFile.toString()));
    }

    @Benchmark
    public Object sage() throws Exception {
        return collector.collect(target.pid(), plan).snapshot();
    }

    @Benchmark
    public int naive() throws Exception {
        int total = 0;
        for (JcmdCommand c : plan.commands()) {
            List<String> argv = new ArrayList<>(List.of(jcmd, Long.toString(target.pid())));
            argv.addAll(List.of(c.command().split(" ")));
            total += run(argv);
        }
        return total;
    }

    private static int run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return out.length;
    }
}
