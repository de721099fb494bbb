package dev.sage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.demo.LeakyService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sage diagnose} and {@code sage demo} against real JVMs, run as a user runs them. */
class DiagnoseCommandTest {

    @AfterEach
    void nothingOfOursIsLeftRunning() {
        assertThat(ProcessHandle.allProcesses().filter(p -> {
            String cmd = p.info().commandLine().orElse("");
            return cmd.contains(LeakyService.class.getName()) || p.info().command().orElse("").endsWith("/jcmd");
        }).map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList()).isEmpty();
    }

    @Test
    void diagnosingALocalJvmByPidShowsItsThreadsGrowingOverRounds() throws Exception {
        Process service = startService();
        try {
            SageProcess.Run r = SageProcess.run(null, "diagnose", "local:" + service.pid(), "--rounds", "2",
                    "--interval", "1s", "--format", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("target").asText()).isEqualTo("pid " + service.pid() + " (" + LeakyService.class.getName() + ")");
            JsonNode series = json.at("/snapshot/threads/countSeries");
            assertThat(series).hasSize(2);
            assertThat(series.get(1).asInt()).isGreaterThan(series.get(0).asInt());
            assertThat(json.at("/snapshot/threads/families/0/pattern").asText()).startsWith("pool-*-thread-");
            assertThat(json.at("/snapshot/memory/rssBytes").asLong()).isPositive();
            assertThat(json.at("/snapshot/nativeMemory/state").asText()).isEqualTo("summary");
            assertThat(json.get("timings").fieldNames()).toIterable()
                    .contains("find the JVM", "round 1 jcmd", "round 2 process facts", "round 2 jcmd");
        } finally {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void diagnosingByMainClassAndTheSlackFormTakesTwoRoundsByDefault() throws Exception {
        Process service = startService();
        try {
            SageProcess.Run r = SageProcess.run(null, "diagnose", "local", "--main-class", "LeakyService",
                    "--no-histogram", "--format", "slack");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("*pid " + service.pid() + " (dev.sage.demo.LeakyService)*: ")
                    .contains("*Thread families*").contains("pool-*-thread-1").doesNotContain("*Top classes*")
                    .as("the default plan is two rounds, for growth and stuck threads").contains("over 2 dumps");
        } finally {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPidWithNoProcessExitsThreeAndSaysSo() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        SageProcess.Run r = SageProcess.run(null, "diagnose", "local:" + gone.pid());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("no process with pid " + gone.pid());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void malformedTargetsAndMisplacedOptionsAreBadUsage() throws Exception {
        SageProcess.Run hostile = SageProcess.run(null, "diagnose", "local:1;reboot");
        assertThat(hostile.exit()).isEqualTo(2);
        assertThat(hostile.err()).isEqualTo("sage diagnose: '1;reboot' is not a pid: give local:PID with a positive number\n");
        SageProcess.Run bare = SageProcess.run(null, "diagnose", "payments");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("'payments' is not a target: give local:PID, local, pod/NAME (or NAME with -n NAMESPACE)");
        SageProcess.Run podOption = SageProcess.run(null, "diagnose", "local", "-c", "app");
        assertThat(podOption.exit()).isEqualTo(2);
        assertThat(podOption.err()).isEqualTo("sage diagnose: -n, -c, --context, --compare and --allow-sigquit are for pods (pod/NAME)\n");
        SageProcess.Run both = SageProcess.run(null, "diagnose", "local:1", "--no-histogram", "--live-histogram");
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void theDemoDiagnosesTheLeakyServiceAndLeavesNothingRunning() throws Exception {
        SageProcess.Run r = SageProcess.run(null, "demo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("started the leaky sample service as pid");
        assertThat(r.out()).startsWith("*pid ").contains("(dev.sage.demo.LeakyService)*").contains("pool-*-thread-1").contains("report-timer-*")
                .contains("over 2 dumps").contains("Native memory")
                .contains("Unbounded cache or map: dev.sage.demo.LeakyService$CachedResponse piles up");
    }

    /** The bundled leaky service, started directly, ready when it says so. */
    private static Process startService() throws Exception {
        String cp = Path.of(LeakyService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:NativeMemoryTracking=summary", "-Xmx128m", "-cp", cp, LeakyService.class.getName(),
                "--requests", "300", "--interval-ms", "20").redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).startsWith("leaky-service ready");
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        Thread.sleep(500);
        return p;
    }
}
