package dev.sage.service;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.JcmdCommand;
import dev.sage.parse.Kind;
import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The actions a person may ask for by name, run on real JVMs and measured before and after. */
class SafeActionTest {
    private final DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());

    @TempDir
    Path dir;

    private static DiagnoseRequest local(long pid) {
        return DiagnoseRequest.of(Target.parse("local:" + pid, false))
                .withPlan(CollectionPlan.defaults().withTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void aFullGcIsRunBetweenTwoLooksAndItsPauseAndTheMemoryBeforeAndAfterAreStated() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("heap-released", "-Xms64m", "-Xmx512m")) {
            ActionResult r = service.act(local(jvm.pid()), SafeAction.GC_RUN, "", DiagnosisListener.NONE);

            assertThat(r.failure()).isEmpty();
            assertThat(r.answer()).isPresent();
            assertThat(r.rssBefore()).isPresent();
            assertThat(r.rssAfter()).isPresent();
            assertThat(r.heapCommittedBefore()).isPresent();
            assertThat(r.heapCommittedAfter()).isPresent();
            assertThat(r.millis()).isPresent();
            assertThat(r.gcPauseSeconds()).as("the JVM's own GC counters, read before and after").isPresent();
            assertThat(r.gcPauseSeconds().getAsDouble()).isGreaterThan(0).isLessThan(r.millis().getAsLong() / 1000.0 + 1);
            assertThat(r.report().raw()).as("no thread dump, no histogram: only what measures the action")
                    .noneMatch(x -> x.kind() == Kind.THREAD_DUMP || x.kind() == Kind.CLASS_HISTOGRAM);
        }
    }

    @Test
    void theNativeHeapIsTrimmedAndAThreadDumpTakenOnRequest() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            ActionResult trim = service.act(local(jvm.pid()), SafeAction.TRIM_NATIVE_HEAP, "", DiagnosisListener.NONE);
            assertThat(trim.failure()).isEmpty();
            assertThat(trim.answer().orElseThrow()).as("the JVM's own account of what it gave back").containsIgnoringCase("trim");
            assertThat(trim.gcPauseSeconds()).as("no collection to measure").isEmpty();

            ActionResult dump = service.act(local(jvm.pid()), SafeAction.THREAD_DUMP, "", DiagnosisListener.NONE);
            assertThat(dump.failure()).isEmpty();
            assertThat(dump.report().snapshot().lastThreadDump().threads()).isNotEmpty();
        }
    }

    @Test
    void aHeapDumpIsWrittenWhereItWasToldAndSaysItsSize() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            Path file = dir.resolve("sage-test.hprof");
            ActionResult r = service.act(local(jvm.pid()), SafeAction.HEAP_DUMP, file.toString(), DiagnosisListener.NONE);
            assertThat(r.failure()).isEmpty();
            assertThat(r.answer().orElseThrow()).contains("Heap dump file created");
            assertThat(Files.size(file)).isGreaterThan(100_000);
        }
    }

    @Test
    void aJvmThatRefusesTheActionIsAResultThatSaysWhy() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            // the JDK refuses to overwrite an existing file: the dump is refused, and the reply says so
            Path file = Files.writeString(dir.resolve("taken.hprof"), "already here");
            ActionResult r = service.act(local(jvm.pid()), SafeAction.HEAP_DUMP, file.toString(), DiagnosisListener.NONE);
            assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f).startsWith("the JVM answered:").contains("exists"));
            assertThat(Files.readString(file)).isEqualTo("already here");
        }
    }

    @Test
    void anActionIsNeverARoundCommandAndAHeapDumpPathIsPlain() {
        assertThatThrownBy(() -> new CollectionPlan(List.of(JcmdCommand.GC_RUN), 1, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 1 << 20)).hasMessageContaining("runs once");
        assertThatThrownBy(() -> JcmdCommand.heapDump("/tmp/x; rm -rf /")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JcmdCommand.heapDump("/tmp/../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CollectionPlan.around(JcmdCommand.GC_RUN, Duration.ofSeconds(1)).forcesFullGc()).isTrue();
        assertThat(CollectionPlan.around(JcmdCommand.TRIM_NATIVE_HEAP, Duration.ofSeconds(1)).forcesFullGc()).isFalse();
        assertThat(SafeAction.suggestedBy(List.of("memory-not-returned")))
                .containsExactly(SafeAction.TRIM_NATIVE_HEAP, SafeAction.GC_RUN);
        assertThat(Optional.ofNullable(SafeAction.of("heap_dump"))).contains(SafeAction.HEAP_DUMP);
    }
}
