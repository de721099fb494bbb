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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole built-in catalogue, alone and with 50 team playbooks over it, over a snapshot of the 5,000-thread dump
 * and the 4,000-class histogram of {@code ../shared/corpus/perf}, read twice to make a two-round time series.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {
    /** Team playbooks loaded over the built-ins (generated: see {@link #teamPlaybook}). */
    @Param({"0", "50"})
    public int teamPlaybooks;

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
        if (teamPlaybooks == 0) {
            engine = new Engine(PlaybookLoader.builtins().playbooks());
            return;
        }
        Path team = Files.createTempDirectory("sage-team-playbooks");
        for (int i = 1; i <= teamPlaybooks; i++) {
            Files.writeString(team.resolve("acme-" + i + ".yaml"), teamPlaybook(i));
        }
        PlaybookLoader.Loaded loaded = PlaybookLoader.withTeamDirectories(List.of(team));
        if (!loaded.errors().isEmpty()) {
            throw new IllegalStateException("team playbooks refused: " + loaded.errors());
        }
        engine = new Engine(loaded.playbooks());
    }

    /** Team playbooks as teams write them: a third on thread families, a third on frames, a third with an expression. */
    static String teamPlaybook(int i) {
        return switch (i % 3) {
            case 0 -> "id: acme-" + i + "\ntitle: \"Executor per request " + i + "\"\nseverity: warning\nwhen:\n"
                    + "  - thread_pile_up: {min_per_call: " + (100 + i) + ", min_per_object: 100000, min_growth: 50}\n"
                    + "evidence: [\"{{count}} threads like {{family}}\"]\n";
            case 1 -> "id: acme-" + i + "\ntitle: \"Stuck in the client " + i + "\"\nseverity: warning\nwhen:\n"
                    + "  - threads_in_frame: {methods: [com.acme.client" + i + ".Client.read, java.net.SocketInputStream.socketRead0],"
                    + " min: " + (200 + i) + "}\nevidence: [\"{{count}} threads in {{frame}}\"]\n";
            default -> "id: acme-" + i + "\ntitle: \"Many grpc threads " + i + "\"\nseverity: info\n"
                    + "expr: [\"threads.filter(t, t.name.startsWith('grpc-" + i + "-')).size() > 200\"]\n"
                    + "evidence: [\"many grpc threads\"]\n";
        };
    }

    @Benchmark
    public Object catalogue() {
        return engine.run(snapshot);
    }
}
