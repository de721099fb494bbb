package dev.sage.cli;

import dev.sage.diagnosis.Finding;
import dev.sage.parse.Kind;
import dev.sage.parse.SnapshotReader;
import dev.sage.render.CliWords;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Report;
import dev.sage.service.Target;
import dev.sage.slack.Redaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code sage playbooks capture TARGET DIR}: what a diagnosis collects from a live JVM, saved as a fixture, one file
 * per capture in the order taken, with credentials redacted as in the files Sage attaches in Slack. The fixture reads
 * back as the same snapshot ({@code sage analyze DIR/*}, {@code sage playbooks test}).
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Collect from a live JVM as sage diagnose does and save the captures in DIR as a fixture",
            "(TEAMDIR/ID/fires/NAME or TEAMDIR/ID/quiet/NAME), credentials redacted as in Slack's attachments."})
final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", description = "local:PID, local, pod/NAME, NAME with -n, ssh://[USER@]HOST[:PORT]")
    String target;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where to write the captures: a new or empty directory.")
    Path dir;

    @picocli.CommandLine.Mixin
    TargetOptions where = new TargetOptions();

    @picocli.CommandLine.Mixin
    PlanOptions collection = new PlanOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.exists(dir) && !empty(dir)) {
            err.println("sage playbooks capture: " + dir + " is not empty; a fixture is written to a new or empty directory");
            return ExitCodes.USAGE;
        }
        DiagnoseRequest request;
        try {
            Target named = Target.parse(target, where.namespaced());
            if (named instanceof Target.HostGroup) {
                throw new IllegalArgumentException("a fixture is one JVM: name one host, not a group");
            }
            request = where.applyTo(DiagnoseRequest.of(named), true).withPlan(collection.plan());
        } catch (IllegalArgumentException e) {
            err.println("sage playbooks capture: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (collection.liveHistogram) {
            err.println("sage playbooks capture: --live-histogram: GC.class_histogram forces a full, stop-the-world GC on the target");
        }
        Report report;
        try {
            report = new DiagnosisService(where.settings()).diagnose(request, DiagnosisListener.NONE);
        } catch (DiagnosisException e) {
            err.println("sage playbooks capture: " + CliWords.failure(e.getMessage(), e.remedies()));
            return ExitCodes.of(e);
        }
        Files.createDirectories(dir);
        int n = 0;
        for (SnapshotReader.Raw raw : report.raw()) {
            if (!kept(raw.kind())) {
                continue;
            }
            n++;
            String name = String.format(Locale.ROOT, "%02d-%s.txt", n, slug(raw.source()));
            Files.writeString(dir.resolve(name), Redaction.redact(raw.text()), StandardCharsets.UTF_8);
        }
        List<String> found = report.diagnosis().findings().stream().map(Finding::id).toList();
        out.println("wrote " + n + " captures of " + report.diagnosis().target() + " to " + dir
                + " (credentials redacted as in Slack's attachments)");
        out.println("the playbooks in force found: "
                + (found.isEmpty() ? "nothing" : String.join(", ", found)));
        return ExitCodes.OK;
    }

    /**
     * What a fixture keeps: what describes the JVM and reads back as text; jcmd's own listings and errors, and action
     * answers, are left.
     */
    static boolean kept(Kind kind) {
        return kind.diagnostic() && kind.supported() && kind != Kind.FLIGHT_RECORDING;
    }

    /** {@code round 1: GC.class_histogram -all} becomes {@code round-1-gc-class-histogram-all}. */
    static String slug(String source) {
        String s = source.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.length() > 60 ? s.substring(0, 60) : s.isEmpty() ? "capture" : s;
    }

    private static boolean empty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
