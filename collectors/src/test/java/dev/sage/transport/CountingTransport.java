package dev.sage.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Passes every exec through and records its program, so that tests can count round trips to the target. */
public final class CountingTransport implements Transport {
    private final Transport inner;
    private final List<String> programs = new CopyOnWriteArrayList<>();
    private final List<List<String>> argvs = new CopyOnWriteArrayList<>();

    public CountingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        programs.add(String.join(" ", argv.subList(0, Math.min(argv.size(), 2))));
        argvs.add(List.copyOf(argv));
        return inner.exec(argv, stdin, timeout, outputCap);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    /** Each argv run, whole, in order. */
    public List<List<String>> argvs() {
        return List.copyOf(argvs);
    }

    /** The first two words of each argv run, in order. */
    public List<String> programs() {
        return List.copyOf(programs);
    }
}
