package dev.sage.cli;

import dev.sage.chart.FlameGraph;
import dev.sage.collect.CollectionPlan;
import dev.sage.render.CliWords;
import dev.sage.render.ProfileText;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.ProfileReport;
import dev.sage.service.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sage profile TARGET}: where a JVM allocates and spends CPU, from a JDK Flight Recorder recording. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Records a JVM with JDK Flight Recorder (its 'profile' settings, about 1 %% overhead) and says where"
                + " it allocates memory, where its CPU goes, what its threads wait on, and who starts threads.",
            "  sage profile local:4242 --duration 30s",
            "  sage profile payments-7d9f8-x2kq -n prod --out payments.jfr --flame payments",
            "  sage profile payments-7d9f8-x2kq -n prod --compare payments-7d9f8-h5jw  (recorded side by side)"})
final class ProfileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "local:PID, a pod (-n NAMESPACE), or ssh://[user@]host[:port].")
    String target;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationOption.class,
            description = "How long to record, 1 s to 5 min (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out", paramLabel = "FILE", description = "Also save the recording here, for JDK Mission Control.")
    Path outFile;

    @Option(names = "--flame", paramLabel = "DIR", description = "Also draw flame graphs of the allocations and of the"
            + " CPU there (allocations.png, allocations.svg, cpu.png, cpu.svg; with --compare, also allocations-diff and"
            + " cpu-diff).")
    Path flameDir;

    @Option(names = "--compare", paramLabel = "OTHER", description = "Record OTHER too, at the same time and for as long"
            + " (a healthy sibling, or the same service before a fix), and say what moved from it to TARGET.")
    String compare;

    @picocli.CommandLine.Mixin
    TargetOptions where = new TargetOptions();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationOption.class,
            description = "How long the commands around the recording may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DiagnoseRequest request;
        Optional<DiagnoseRequest> other;
        try {
            request = request(target, true);
            // the other JVM is found on its own: a pid or main class given for TARGET need not fit it
            other = compare == null ? Optional.empty() : Optional.of(request(compare, false));
        } catch (IllegalArgumentException e) {
            err.println("sage profile: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        err.println("sage profile: recording " + target + (compare == null ? "" : " and " + compare) + " for "
                + duration.toSeconds() + " s…");
        err.flush();
        DiagnosisService service = new DiagnosisService(where.settings());
        ProfileReport report;
        Optional<ProfileReport> before;
        try {
            // side by side: the same window of the same traffic, so that what moved is the code, not the hour; saved
            // before it is read: a recording Sage cannot read may still open in JDK Mission Control
            List<DiagnoseRequest> both = other.map(o -> List.of(request, o)).orElse(List.of(request));
            List<ProfileReport> reports = service.profiles(both, duration, DiagnosisListener.NONE, jfr -> save(jfr, err));
            report = reports.get(0);
            before = reports.size() > 1 ? Optional.of(reports.get(1)) : Optional.empty();
        } catch (DiagnosisException e) {
            err.println("sage profile: " + CliWords.failure(e.getMessage(), e.remedies()));
            return ExitCodes.of(e);
        }
        if (flameDir != null) {
            try {
                Files.createDirectories(flameDir);
                for (FlameGraph.Picture picture : FlameGraph.pictures(report.profile(), report.target(),
                        before.map(ProfileReport::profile).orElse(null), before.map(ProfileReport::target).orElse(""))) {
                    Files.write(flameDir.resolve(picture.file()), picture.data());
                }
            } catch (IOException e) {
                err.println("sage profile: could not write the flame graphs to " + flameDir + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        out.print(ProfileText.render(report));
        before.ifPresent(b -> out.print("\n" + ProfileText.diff(b, report)));
        if (flameDir != null) {
            out.println("\nFlame graphs: " + flameDir.resolve("allocations.png") + ", " + flameDir.resolve("cpu.png")
                    + (before.isPresent() ? ", " + flameDir.resolve("allocations-diff.png") + ", "
                    + flameDir.resolve("cpu-diff.png") : "") + " (and .svg)");
        }
        if (outFile != null && !saveFailed) {
            out.println("\nThe recording: " + outFile + " (" + report.jfr().length / 1024 + " KiB; open it in JDK Mission"
                    + " Control)");
        }
        out.flush();
        return saveFailed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** A request for {@code named} with the target options; {@code withPid} applies {@code --pid}. */
    private DiagnoseRequest request(String named, boolean withPid) {
        return where.applyTo(DiagnoseRequest.of(Target.parse(named, where.namespaced())), withPid)
                .withPlan(CollectionPlan.defaults().withTimeout(timeout));
    }

    /** Whether {@code --out} could not be written: the profile is still shown, and the exit says so. */
    private boolean saveFailed;

    /** Writes the recording to {@code --out}, when given; a failure is said, and the profile goes on. */
    private void save(byte[] jfr, PrintWriter err) {
        if (outFile == null) {
            return;
        }
        try {
            Files.write(outFile, jfr);
        } catch (IOException e) {
            err.println("sage profile: could not save the recording to " + outFile + ": " + e.getMessage());
            err.flush();
            saveFailed = true;
        }
    }
}
