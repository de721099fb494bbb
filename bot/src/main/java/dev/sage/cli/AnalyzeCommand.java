package dev.sage.cli;

import dev.sage.render.ProfileText;
import dev.sage.service.AnalyzeRequest;
import dev.sage.service.CaptureInput;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sage analyze PATH...}: reads captured jcmd/jstack outputs and prints what they show. */
@Command(name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Reads captured JVM diagnostics (thread dumps, class histograms, GC.heap_info, VM.native_memory,",
            "VM.version, VM.flags, /proc/<pid>/status, cgroup memory files) and prints what they show.",
            "Each file's kind is told from its content; a file may hold several captures (a log with kill -3",
            "dumps). Several thread dumps or histograms of one JVM are a time series, in the order given;",
            "a directory's files are read in name order."},
        footer = {"", "Exit codes: 0 analysed, 2 bad usage, 3 nothing could be analysed.",
            "", "Examples:", "  sage analyze threaddump.txt", "  sage analyze captures/ --format json",
            "  pbpaste | sage analyze -"})
final class AnalyzeCommand implements Callable<Integer> {


    /** The bundled sample: captures of a service that builds an executor and a timer per request. */
    static final String SAMPLE = "samples/leaky-service/";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Capture files, directories of them, or - for standard input (a pasted dump).")
    List<String> paths = new ArrayList<>();

    @picocli.CommandLine.Mixin
    ReportOptions report = new ReportOptions();

    @Option(names = "--sample", description = "Analyse the bundled sample captures instead of PATHs.")
    boolean sample;

    @Option(names = "--compare", paramLabel = "PATH", arity = "1..*",
            description = "Captures of a healthy sibling of the same service: the report shows what differs.")
    List<String> comparePaths = new ArrayList<>();

    /** Where {@code -} reads from; standard input unless a test sets it. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (paths.isEmpty() && !sample) {
            err.println("sage analyze: give at least one PATH (a file, a directory, or - for standard input),"
                    + " or --sample");
            err.println("Try 'sage analyze --help'.");
            return ExitCodes.USAGE;
        }
        if (!sample && paths.size() == 1 && comparePaths.size() <= 1 && isRecording(Path.of(paths.get(0)))) {
            if (comparePaths.size() == 1 && !isRecording(Path.of(comparePaths.get(0)))) {
                err.println("sage analyze: " + paths.get(0) + " is a flight recording: compare it with another one");
                return ExitCodes.USAGE;
            }
            return recording(Path.of(paths.get(0)), comparePaths.isEmpty() ? null : Path.of(comparePaths.get(0)), out, err);
        }
        List<CaptureInput> inputs = sample ? sampleInputs() : CaptureInputs.expand(paths, stdin);
        String target = sample ? "the bundled sample (" + SAMPLE + ")" : String.join(" ", paths);
        List<CaptureInput> sibling = comparePaths.isEmpty() ? List.of() : CaptureInputs.expand(comparePaths, stdin);
        DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());
        try {
            out.print(Reports.render(report.format, service.analyze(new AnalyzeRequest(target, inputs, sibling,
                    report.playbookDirs))));
            out.flush();
            return ExitCodes.OK;
        } catch (DiagnosisException e) {
            err.println("sage analyze: " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        }
    }

    /**
     * A flight recording, read into the profile {@code sage profile} prints; with {@code other}, what moved from that
     * recording to this one.
     */
    private int recording(Path file, Path other, PrintWriter out, PrintWriter err) {
        try {
            DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());
            var profile = service.readRecording(file.toString(), Files.readAllBytes(file));
            out.print(ProfileText.render(profile));
            if (other != null) {
                out.println();
                out.print(ProfileText.diff(service.readRecording(other.toString(), Files.readAllBytes(other)), profile));
            }
            out.flush();
            return ExitCodes.OK;
        } catch (DiagnosisException e) {
            err.println("sage analyze: " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        } catch (IOException e) {
            err.println("sage analyze: cannot read " + file + ": " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        }
    }

    /** Whether {@code path} is a file that begins as a flight recording does. */
    private static boolean isRecording(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return DiagnosisService.isRecording(in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<CaptureInput> sampleInputs() {
        List<CaptureInput> inputs = new ArrayList<>();
        String index = resource(SAMPLE + "INDEX");
        for (String name : index.split("\n")) {
            String n = name.strip();
            if (!n.isEmpty() && !n.startsWith("#")) {
                inputs.add(new CaptureInput() {
                    @Override
                    public String name() {
                        return n;
                    }

                    @Override
                    public byte[] read() {
                        return resource(SAMPLE + n).getBytes(StandardCharsets.UTF_8);
                    }
                });
            }
        }
        return inputs;
    }

    private static String resource(String path) {
        try (InputStream in = AnalyzeCommand.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks its bundled " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
