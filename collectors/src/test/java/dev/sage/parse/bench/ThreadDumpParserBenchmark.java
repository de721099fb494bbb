package dev.sage.parse.bench;

import dev.sage.parse.SnapshotReader;
import dev.sage.parse.TextDecoder;
import dev.sage.parse.ThreadDumpParser;
import dev.sage.snapshot.ThreadDump;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The thread dump parser on the 5,000-thread dumps of {@code ../shared/corpus/perf} (7.1 and 7.7 MB).
 * {@code parse}: warm, from a decoded string. {@code read}: warm, from the file's bytes through decoding,
 * content detection and parsing, as {@code sage analyze} does. {@code firstRead}: the first read in a fresh JVM.
 * Run with {@code -prof gc} for allocation per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThreadDumpParserBenchmark {

    @Param({"thread-print-l-5k-jdk17.txt", "thread-print-l-5k-jdk25.txt"})
    public String file;

    private byte[] bytes;
    private String text;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path corpus = Path.of(System.getProperty("sage.corpus", "../shared/corpus"));
        bytes = Files.readAllBytes(corpus.resolve("perf").resolve(file));
        text = TextDecoder.decode(bytes);
    }

    @Benchmark
    public ThreadDump parse() {
        return ThreadDumpParser.parse(text);
    }

    @Benchmark
    public Object read() {
        SnapshotReader reader = new SnapshotReader("bench");
        reader.add(file, bytes);
        return reader.snapshot();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 10, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
    public Object firstRead() {
        SnapshotReader reader = new SnapshotReader("bench");
        reader.add(file, bytes);
        return reader.snapshot();
    }
}
