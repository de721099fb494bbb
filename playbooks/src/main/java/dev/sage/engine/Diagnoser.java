package dev.sage.engine;

import dev.sage.diagnosis.Comparison;
import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.NotEvaluated;
import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.snapshot.JvmSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles the {@link Diagnosis} of a snapshot: runs the playbooks, words the summary line, lists what could not be
 * judged (and the playbook files that were refused), and compares with a healthy sibling when there is one. Every
 * front end gets its diagnosis from here, so that they all say the same thing. Pure and thread-safe.
 */
public final class Diagnoser {
    private Diagnoser() {}

    /**
     * @param target what was diagnosed, in words ({@code pod/payments-7d9f8 -n prod -c app pid 1 (PaymentApp)})
     * @param sibling a healthy JVM of the same service to compare with, or empty
     * @param timings what collection and reading cost, in step order; the playbooks' own time is added
     * @param notes how the target was found and reached
     */
    public static Diagnosis diagnose(String target, JvmSnapshot snapshot, Optional<JvmSnapshot> sibling,
                                     PlaybookLoader.Loaded playbooks, Map<String, Duration> timings, List<String> notes) {
        String summary = SnapshotDigest.of(snapshot).summaryLine();
        Map<String, Long> millis = new LinkedHashMap<>();
        timings.forEach((k, v) -> millis.put(k, v.toMillis()));
        long t0 = System.nanoTime();
        Engine.Result judged = new Engine(playbooks.playbooks()).run(snapshot);
        millis.put("playbooks", (System.nanoTime() - t0) / 1_000_000);
        List<NotEvaluated> notEvaluated = new ArrayList<>(judged.notEvaluated());
        playbooks.errors().forEach(e -> notEvaluated.add(NotEvaluated.because("playbook refused: " + e)));
        String headline = Diagnosis.headline(judged.findings()) + "; " + summary;
        List<String> allNotes = new ArrayList<>(notes);
        playbooks.replaced().forEach(r -> allNotes.add("playbook " + r));
        return new Diagnosis(target, snapshot.jvm() == null ? "" : snapshot.jvm().describe(),
                summary.isEmpty() ? "nothing to summarise" : headline, judged.findings(), notEvaluated, millis, allNotes,
                sibling.map(s -> Comparison.of(snapshot, s)));
    }
}
