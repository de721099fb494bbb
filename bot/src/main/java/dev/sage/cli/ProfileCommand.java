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
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sage profile TARGET}: where a JVM allocates and spends CPU, from a JDK Flight Recorder recording. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Records a JVM with JDK Flight Recorder (its 'profile' settings, about 1 % overhead) and says where"
                + " it allocates memory, where its CPU goes, what its threads wait on, and who starts threads.",
            "  sage profile local:4242 --duration 30s",
            "  sage profile payments-7d9f8-x2kq -n prod --out payments.jfr --flame payments"})
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
            + " CPU there (allocations.png, allocations.svg, cpu.png, cpu.svg).")
    Path flameDir;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "The pod's namespace.")
    String namespace;

    @Option(names = {"-c", "--container"}, paramLabel = "CONTAINER", description = "The pod's container.")
    String container;

    @Option(names = "--context", paramLabel = "CONTEXT", description = "The kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--pid", paramLabel = "PID", description = "The JVM's pid on the host or in the container.")
    Long pid;

    @Option(names = "--main-class", paramLabel = "NAME", description = "Pick the JVM whose main class or jar contains NAME.")
    String mainClass;

    @Option(names = "--sudo-user", paramLabel = "USER", description = "Over SSH, run the commands as this user (sudo -n -u).")
    String sudoUser;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationOption.class,
            description = "How long the commands around the recording may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DiagnoseRequest request;
        try {
            request = DiagnoseRequest.of(Target.parse(target, namespace != null))
                    .withNamespace(Optional.ofNullable(namespace))
                    .withContainer(Optional.ofNullable(container))
                    .withContext(Optional.ofNullable(context))
                    .withJvm(Optional.ofNullable(pid), Optional.ofNullable(mainClass))
                    .withSudoUser(Optional.ofNullable(sudoUser))
                    .withPlan(CollectionPlan.defaults().withTimeout(timeout));
        } catch (IllegalArgumentException e) {
            err.println("sage profile: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        err.println("sage profile: recording " + target + " for " + duration.toSeconds() + " s…");
        err.flush();
        ProfileReport report;
        try {
            report = new DiagnosisService(DiagnosisService.Settings.fromEnvironment()).profile(request, duration,
                    DiagnosisListener.NONE);
        } catch (DiagnosisException e) {
            err.println("sage profile: " + CliWords.failure(e.getMessage(), e.remedies()));
            return e.kind() == DiagnosisException.Kind.BAD_REQUEST ? ExitCodes.USAGE : ExitCodes.NOTHING_ANALYSED;
        }
        if (outFile != null) {
            try {
                Files.write(outFile, report.jfr());
            } catch (IOException e) {
                err.println("sage profile: could not save the recording to " + outFile + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        if (flameDir != null) {
            try {
                Files.createDirectories(flameDir);
                var p = report.profile();
                Files.write(flameDir.resolve("allocations.png"), FlameGraph.png(p.allocationFlame(), "Allocations of "
                        + report.target(), "bytes"));
                Files.writeString(flameDir.resolve("allocations.svg"), FlameGraph.svg(p.allocationFlame(), "Allocations of "
                        + report.target(), "bytes"));
                Files.write(flameDir.resolve("cpu.png"), FlameGraph.png(p.cpuFlame(), "CPU of " + report.target(), "samples"));
                Files.writeString(flameDir.resolve("cpu.svg"), FlameGraph.svg(p.cpuFlame(), "CPU of " + report.target(),
                        "samples"));
            } catch (IOException e) {
                err.println("sage profile: could not write the flame graphs to " + flameDir + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        out.print(ProfileText.render(report));
        if (flameDir != null) {
            out.println("\nFlame graphs: " + flameDir.resolve("allocations.png") + ", " + flameDir.resolve("cpu.png")
                    + " (and .svg)");
        }
        if (outFile != null) {
            out.println("\nThe recording: " + outFile + " (" + report.jfr().length / 1024 + " KiB; open it in JDK Mission"
                    + " Control)");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
