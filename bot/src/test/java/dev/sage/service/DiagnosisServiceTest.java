package dev.sage.service;

import dev.sage.collect.CollectionPlan;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.CollectionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one service every front end calls: typed failures, progress as it happens, several callers at once. */
class DiagnosisServiceTest {
    private final DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());

    @Test
    void everyCollectionFailureKeepsItsKind() {
        for (CollectionException.Kind k : CollectionException.Kind.values()) {
            assertThat(DiagnosisException.of(new CollectionException(k, "x")).kind().name()).isEqualTo(k.name());
        }
    }

    @Test
    void optionsThatDoNotFitTheTargetAreRefusedBeforeAnythingIsContacted() {
        DiagnoseRequest r = DiagnoseRequest.of(new Target.Local(Optional.of(1L))).withNamespace(Optional.of("prod"));
        assertThatThrownBy(() -> service.diagnose(r, DiagnosisListener.NONE))
                .isInstanceOfSatisfying(DiagnosisException.class, e -> assertThat(e.kind()).isEqualTo(DiagnosisException.Kind.BAD_REQUEST))
                .hasMessageContaining("are for pods");
    }

    @Test
    void twoCallersAtOnceEachGetTheirJvmAndHearOfEachRoundAsItIsIn() throws Exception {
        try (ScenarioJvm deadlock = ScenarioJvm.start("deadlock-monitors"); ScenarioJvm leak = ScenarioJvm.start("thread-leak")) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<String> heard = Collections.synchronizedList(new ArrayList<>());
                DiagnosisListener listener = new DiagnosisListener() {
                    @Override
                    public void roundJudged(int round, int rounds, Report soFar) {
                        heard.add(soFar.snapshot().pid() + ":" + round + "/" + rounds + ":"
                                + soFar.diagnosis().findings().stream().map(f -> f.id()).toList());
                    }
                };
                CollectionPlan plan = CollectionPlan.defaults().withRounds(2, Duration.ofSeconds(1)).withoutHistogram();
                Future<Report> a = pool.submit(() -> service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(deadlock.pid())))
                        .withPlan(plan), listener));
                Future<Report> b = pool.submit(() -> service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(leak.pid())))
                        .withPlan(plan), listener));
                assertThat(a.get().diagnosis().findings()).extracting(f -> f.id()).contains("deadlock");
                assertThat(a.get().snapshot().pid()).isEqualTo(deadlock.pid());
                assertThat(b.get().snapshot().pid()).isEqualTo(leak.pid());
                assertThat(heard).as("the deadlock is judged from round 1 already")
                        .anySatisfy(h -> assertThat(h).startsWith(deadlock.pid() + ":1/2:").contains("deadlock"));
                assertThat(heard).filteredOn(h -> h.startsWith(leak.pid() + ":")).hasSize(2);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void oneRoundAlreadyFindsReadsAndLatchWaitsWithNoTimeoutAndSaysWhatASecondWouldConfirm() throws Exception {
        for (String[] c : new String[][] {{"socket-read", "blocking-io-without-timeout"}, {"latch-forever", "latch-wait-forever"}}) {
            try (ScenarioJvm jvm = ScenarioJvm.start(c[0])) {
                Report r = service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(jvm.pid())))
                        .withPlan(CollectionPlan.defaults().withoutHistogram()), DiagnosisListener.NONE);
                assertThat(r.diagnosis().findings()).as(c[0]).filteredOn(f -> f.id().equals(c[1])).singleElement()
                        .satisfies(f -> assertThat(f.evidence()).anySatisfy(e -> assertThat(e).contains("a second dump")));
            }
        }
        try (ScenarioJvm idle = ScenarioJvm.start("healthy")) {
            Report r = service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(idle.pid())))
                    .withPlan(CollectionPlan.defaults().withoutHistogram()), DiagnosisListener.NONE);
            assertThat(r.diagnosis().findings()).as("idle pools and a server waiting for clients stay quiet")
                    .noneMatch(f -> f.severity() != dev.sage.diagnosis.Severity.INFO);
        }
    }

    @Test
    void twoRoundsAFewSecondsApartConfirmThatTheWaitersDoNotMove() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("latch-forever")) {
            Report r = service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(jvm.pid())))
                    .withPlan(CollectionPlan.defaults().withoutHistogram().withRounds(2, Duration.ofSeconds(1))),
                    DiagnosisListener.NONE);
            assertThat(r.diagnosis().findings()).filteredOn(f -> f.id().equals("latch-wait-forever")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).anySatisfy(e -> assertThat(e)
                            .contains("in the same place in the first and the last of 2 dumps")));
        }
    }

    @Test
    void aHeapKeptCommittedAfterAPeakIsTheHeadlineAsInTheIncident() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("heap-released", "-Xms512m", "-Xmx512m")) {
            Report r = service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(jvm.pid())))
                    .withPlan(CollectionPlan.defaults().withoutHistogram()), DiagnosisListener.NONE);
            assertThat(r.diagnosis().findings()).first().satisfies(f -> {
                assertThat(f.id()).isEqualTo("memory-not-returned");
                assertThat(f.severity()).isEqualTo(dev.sage.diagnosis.Severity.WARNING);
                assertThat(f.evidence()).anySatisfy(e -> assertThat(e).contains("-Xms equals -Xmx"));
            });
            assertThat(r.diagnosis().summary()).startsWith("Memory not returned");
        }
    }

    @Test
    void aFinalizerThatIsSlowNotBlockedIsABacklogAcrossTwoRounds() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("finalizer-slow")) {
            Report r = service.diagnose(DiagnoseRequest.of(new Target.Local(Optional.of(jvm.pid())))
                    .withPlan(CollectionPlan.defaults().withRounds(2, Duration.ofSeconds(1))), DiagnosisListener.NONE);
            assertThat(r.diagnosis().findings()).filteredOn(f -> f.id().equals("finalizer-backlog")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).anySatisfy(e -> assertThat(e)
                            .contains("busy in the same finalize() in both dumps").contains("SlowFinalizable.finalize")));
        }
    }
}
