package dev.sage.cli;

import dev.sage.collect.CollectionPlan;
import dev.sage.config.Durations;
import dev.sage.demo.LeakyService;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisListener;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Target;
import dev.sage.transport.LocalTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code sage demo}: starts the bundled leaky service as a child JVM, lets it misbehave, diagnoses it over a
 * few rounds, prints the reply as Slack would show it, and stops the child. Needs only a JDK.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a small bundled service that misbehaves like the incident story (an executor and a timer",
            "built per request and never stopped, a cache that only grows, direct buffers above the heap),",
            "diagnoses it over a few rounds and prints the reply as Slack would show it. Leaves nothing running."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", defaultValue = "2", description = "Collection rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--interval", defaultValue = "3s", converter = DurationOption.class,
            description = "Pause between rounds (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--format", defaultValue = "slack",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Reports.Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (rounds < 1 || rounds > 10) {
            err.println("sage demo: --rounds must be between 1 and 10");
            return ExitCodes.USAGE;
        }
        Process service = startService();
        Thread stopOnExit = new Thread(() -> stop(service));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            if (!awaitReady(service, Duration.ofSeconds(30))) {
                err.println("sage demo: the sample service did not start (is this a JDK, with jcmd?)");
                return ExitCodes.FAILED;
            }
            err.println("sage demo: started the leaky sample service as pid " + service.pid()
                    + "; letting it take requests, then collecting " + rounds + " round(s) " + Durations.show(interval) + " apart");
            Thread.sleep(2000); // the symptoms show after a few dozen requests
            DiagnoseRequest request = DiagnoseRequest.of(new Target.Local(Optional.of(service.pid())))
                    .withPlan(CollectionPlan.defaults().withRounds(rounds, interval));
            out.print(Reports.render(format, new DiagnosisService(DiagnosisService.Settings.fromEnvironment())
                    .diagnose(request, DiagnosisListener.NONE)));
            out.flush();
            return ExitCodes.OK;
        } catch (DiagnosisException e) {
            err.println("sage demo: could not collect from the sample service: " + e.getMessage());
            return ExitCodes.NOTHING_ANALYSED;
        } finally {
            stop(service);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static Process startService() throws IOException, java.net.URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Path.of(LeakyService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return new ProcessBuilder(java, "-XX:NativeMemoryTracking=summary", "-Xmx256m", "-cp", classpath,
                LeakyService.class.getName(), "--requests", "2500", "--interval-ms", "4")
                .redirectErrorStream(true).start();
    }

    private static boolean awaitReady(Process p, Duration timeout) throws Exception {
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("leaky-service ready")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the service ended
            }
            ready.complete(false);
        }, "demo-service-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private static void stop(Process p) {
        LocalTransport.killTree(p);
    }
}
