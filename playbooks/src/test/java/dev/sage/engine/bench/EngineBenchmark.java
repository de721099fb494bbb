package dev.sage.engine.bench;

import dev.sage.engine.Engine;
import dev.sage.parse.SnapshotReader;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.snapshot.JvmSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The whole built-in catalogue over a snapshot of the 5,000-thread dump and the 4,000-class histogram of
 * {@code ../shared/corpus/perf}, read twice to make a two-round time series.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {
    private Engine engine;
    private JvmSnapshot snapshot;

    @Setup
    public void load() throws Exception {
        Path perf = Path.of(System.getProperty("sage.corpus", "../shared/corpus")).resolve("perf");
        SnapshotReader reader = new SnapshotReader("bench");
        for (int round = 0; round < 2; round++) {
            reader.add("threads", Files.readAllBytes(perf.resolve("thread-print-l-5k-jdk17.txt")));
            reader.add("histogram", Files.readAllBytes(perf.resolve("class-histogram-4000-classes-jdk17.txt")));
        }
        snapshot = reader.snapshot();
        engine = new Engine(PlaybookLoader.builtins().playbooks());
    }

    @Benchmark
    public Object catalogue() {
        return engine.run(snapshot);
    }
}
