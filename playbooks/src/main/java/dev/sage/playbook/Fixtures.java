package dev.sage.playbook;

import dev.sage.diagnosis.Finding;
import dev.sage.engine.Engine;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.JvmSnapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fixture cases of playbooks: captures on which a playbook must fire, and captures on which it must stay
 * quiet. A team's layout is {@code DIR/<id>/fires/*} and {@code DIR/<id>/quiet/*}; each entry is a capture
 * file, or a directory whose files (in name order) make one snapshot.
 */
public final class Fixtures {
    private Fixtures() {}

    /**
     * @param playbookId the playbook under test
     * @param mustFire true for a {@code fires} case
     * @param name for messages
     * @param files the captures, in order
     */
    public record Case(String playbookId, boolean mustFire, String name, List<Path> files) {
        public Case {
            files = List.copyOf(files);
        }
    }

    /** A case's outcome: whether the playbook fired, what it said, and whether that is what the case wants. */
    public record Outcome(Case fixture, boolean fired, List<String> said, String problem) {
        public boolean passed() {
            return problem == null && fired == fixture.mustFire();
        }
    }

    /** The cases of a team directory. */
    public static List<Case> teamCases(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> ids = Files.list(dir)) {
            for (Path idDir : ids.filter(Files::isDirectory).sorted().toList()) {
                for (String kind : List.of("fires", "quiet")) {
                    Path k = idDir.resolve(kind);
                    if (!Files.isDirectory(k)) {
                        continue;
                    }
                    try (Stream<Path> entries = Files.list(k)) {
                        for (Path e : entries.sorted().toList()) {
                            cases.add(new Case(idDir.getFileName().toString(), kind.equals("fires"),
                                    dir.relativize(e).toString(), filesOf(e)));
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** A file, or the files of a directory in name order. */
    public static List<Path> filesOf(Path entry) throws IOException {
        if (!Files.isDirectory(entry)) {
            return List.of(entry);
        }
        try (Stream<Path> s = Files.list(entry)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Runs the case's playbook, alone, over the case's captures. */
    public static Outcome run(List<Playbook> playbooks, Case c) {
        Playbook p = playbooks.stream().filter(x -> x.id().equals(c.playbookId())).findFirst().orElse(null);
        if (p == null) {
            return new Outcome(c, false, List.of(), "no playbook with id '" + c.playbookId() + "' is loaded");
        }
        JvmSnapshot s;
        try {
            s = snapshot(c.files());
        } catch (IOException e) {
            return new Outcome(c, false, List.of(), "cannot read the capture: " + e.getMessage());
        }
        Engine.Result r = new Engine(List.of(p)).run(s);
        List<String> said = new ArrayList<>();
        for (Finding f : r.findings()) {
            said.add(f.title());
            said.addAll(f.evidence());
        }
        said.addAll(r.notEvaluated().stream().map(n -> "not evaluated: " + n).toList());
        return new Outcome(c, !r.findings().isEmpty(), said, null);
    }

    static JvmSnapshot snapshot(List<Path> files) throws IOException {
        SnapshotReader reader = new SnapshotReader(files.isEmpty() ? "" : files.get(0).toString());
        for (Path f : files) {
            reader.add(f.toString(), Files.readAllBytes(f));
        }
        return reader.snapshot();
    }
}
