package dev.sage.profile;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.parse.CaptureFormatException;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flight recordings of real JVMs over the local transport, read back and ranked. */
class ProfileTest {
    private static final Duration SHORT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private Profile profile(ScenarioJvm jvm) throws Exception {
        Collector.Recording r = new Collector(new LocalTransport()).recordJfr(jvm.pid(), SHORT, CollectionPlan.defaults());
        assertThat(r.existing()).as("the JVM was not recording: Sage started its own").isEmpty();
        assertThat(r.truncated()).isFalse();
        Profile p = read(r);
        assertThat(p.privateEvents()).as("the events that hold the JVM's secrets are left out of Sage's recordings").isEmpty();
        return p;
    }

    private static Profile read(Collector.Recording r) throws Exception {
        return ProfileReader.read(r.jfr(), "the recording");
    }

    @Test
    void theMethodThatAllocatesMostIsAtTheTopOfAllocationsAndTheRecordingLeavesNoFileBehind() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("allocation-hotspot")) {
            List<String> before = recordings();
            Profile p = profile(jvm);
            assertThat(recordings()).as("the recording's file is removed").isEqualTo(before);
            assertThat(p.window()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
            assertThat(p.allocationSites()).isNotEmpty();
            assertThat(p.allocationSites().get(0).frame()).isEqualTo("dev.sage.scenarios.Scenario.buildReport");
            assertThat(p.allocationSites().get(0).weight()).as("most of the bytes").isGreaterThan(p.allocationBytes() / 2);
            assertThat(p.allocationSites().get(0).stack()).first().asString().startsWith("dev.sage.scenarios.Scenario.buildReport:");
            assertThat(p.gc().collections()).as("that much garbage is collected").isPositive();
            // the flame graph's widest tower ends in it: Thread.run → the loop → buildReport
            Flame tower = p.allocationFlame();
            assertThat(tower.weight()).isEqualTo(p.allocationBytes());
            while (!tower.children().isEmpty()) {
                tower = tower.children().get(0);
            }
            assertThat(tower.frame()).isEqualTo("dev.sage.scenarios.Scenario.buildReport");
        }
    }

    /** Sage's recording files in /tmp (the JVM's /tmp: it runs here). */
    private static List<String> recordings() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("sage-profile-")).sorted().toList();
        }
    }

    @Test
    void aSpinningLoopIsAtTheTopOfCpu() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("cpu-spin")) {
            Profile p = profile(jvm);
            assertThat(p.cpuSamples()).isPositive();
            assertThat(p.cpuSites().get(0).frame()).startsWith("dev.sage.scenarios.Scenario.lambda$cpuSpin$");
            assertThat(p.cpuSites().get(0).count()).as("most samples").isGreaterThan(p.cpuSamples() / 2);
        }
    }

    @Test
    void threadsStartedInTheWindowNameTheCodeThatStartsThem() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            Profile p = profile(jvm);
            assertThat(p.threadsStarted()).as("a client built per request: 25 threads a second").isGreaterThan(10);
            assertThat(p.threadStarters().get(0).frame()).startsWith("dev.sage.scenarios.Scenario.");
            assertThat(p.threadStarters().get(0).stack()).anySatisfy(f -> assertThat(f).contains("ThreadPoolExecutor"));
        }
    }

    @Test
    void twoProfilesOfOneJvmAtOnceEachGetTheirOwnRecording() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("allocation-hotspot")) {
            CompletableFuture<Collector.Recording> first =
                    CompletableFuture.supplyAsync(() -> record(jvm, Duration.ofSeconds(8)));
            // the second starts once the first records, so that it sees a recording of Sage's and starts its own
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!running(jvm).contains("name=sage-profile-")) {
                assertThat(System.nanoTime()).as("the first recording started").isLessThan(deadline);
                Thread.sleep(100);
            }
            Collector.Recording second = record(jvm, SHORT);
            List<Collector.Recording> both = List.of(first.get(), second);
            for (Collector.Recording r : both) {
                assertThat(r.existing()).isEmpty();
                Profile p = read(r);
            assertThat(p.allocationSites().get(0).frame()).isEqualTo("dev.sage.scenarios.Scenario.buildReport");
            // what the JVM's own settings kept in the window is told as it is, whatever it is
            Path file = Files.write(dir.resolve("dumped.jfr"), r.jfr());
            assertThat(p.privateEvents()).containsExactlyInAnyOrderElementsOf(
                    jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream().map(e -> e.getEventType().getName())
                            .filter(Profile.PRIVATE::contains).distinct().toList());
            }
        }
    }

    @Test
    void aJvmThatAlreadyRecordsIsDumpedNotGivenASecondRecording() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("allocation-hotspot", "-XX:StartFlightRecording=name=continuous,settings=profile")) {
            Thread.sleep(2_000);
            Collector.Recording r = new Collector(new LocalTransport()).recordJfr(jvm.pid(), SHORT, CollectionPlan.defaults());
            assertThat(r.existing()).hasValueSatisfying(e -> assertThat(e).endsWith(" continuous"));
            assertThat(r.via()).endsWith("JFR.dump");
            assertThat(read(r).allocationSites().get(0).frame()).isEqualTo("dev.sage.scenarios.Scenario.buildReport");
        }
    }

    @Test
    void aProfileStoppedWhileItRecordsStopsItsRecordingAndLeavesNoFile() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            List<String> before = recordings();
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread profiling = new Thread(() -> {
                try {
                    new Collector(new LocalTransport()).recordJfr(jvm.pid(), Duration.ofSeconds(60), CollectionPlan.defaults());
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            profiling.start();
            long until = System.nanoTime() + 20_000_000_000L;
            while (!running(jvm).contains("sage-profile-") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(running(jvm)).as("recording").contains("sage-profile-");
            profiling.interrupt(); // a deadline, or the bot stopping
            profiling.join(30_000);
            assertThat(failed.get()).isInstanceOf(dev.sage.transport.CollectionException.class)
                    .hasMessageContaining("stopped while recording");
            assertThat(running(jvm)).as("the recording is stopped, not left to run out its minute").doesNotContain("sage-profile-");
            assertThat(recordings()).isEqualTo(before);
        }
    }

    @Test
    void aRecordingMadeWithTheJdksOwnSettingsIsToldToHoldTheJvmsEnvironment() throws Exception {
        Path file = dir.resolve("own.jfr");
        try (jdk.jfr.Recording own = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            own.start();
            Thread.sleep(200);
            own.stop();
            own.dump(file);
        }
        assertThat(ProfileReader.read(file).privateEvents())
                .contains("jdk.InitialEnvironmentVariable", "jdk.InitialSystemProperty", "jdk.JVMInformation");
    }

    @Test
    void aFileThatIsNotARecordingIsSaidToBeOne() throws Exception {
        Path text = Files.writeString(dir.resolve("dump.jfr"), "Full thread dump OpenJDK\n");
        assertThatThrownBy(() -> ProfileReader.read(text)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("is not a JDK Flight Recorder file");
        Path cut = dir.resolve("cut.jfr");
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            byte[] whole = new Collector(new LocalTransport()).recordJfr(jvm.pid(), Duration.ofSeconds(1),
                    CollectionPlan.defaults()).jfr();
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        }
        assertThatThrownBy(() -> ProfileReader.read(cut)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("could not be read as a flight recording");
    }

    private static String running(ScenarioJvm jvm) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(jvm.pid()), "JFR.check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static Collector.Recording record(ScenarioJvm jvm, Duration duration) {
        try {
            return new Collector(new LocalTransport()).recordJfr(jvm.pid(), duration, CollectionPlan.defaults());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
