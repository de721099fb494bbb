package dev.sage.playbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The team playbook directories of a running bot over the built-ins, read again on {@link #reload()}: a file whose
 * text changed is parsed anew; when the new text is refused, that file's last good version stays in force and the
 * refusal is kept to be told. Files are read through links, so a Kubernetes ConfigMap mount (files linked through a
 * {@code ..data} link that an update swaps) reads as plain files.
 *
 * <p>Thread-safe: {@link #reload()} is serialised; {@link #current()} and {@link #refusals()} read the last reload's
 * result, published whole.
 */
public final class TeamCatalogue {
    /** A file's refusal: its error, and whether an earlier version of the file is still in force. */
    public record Refusal(PlaybookError error, boolean previousInForce) {
        @Override
        public String toString() {
            return error + (previousInForce ? " (its previous version stays in force)" : "");
        }
    }

    /**
     * What one reload changed.
     *
     * @param changes {@code added acme-slow (team/slow.yaml)}, {@code changed …}, {@code removed …}
     * @param refused the refusals this reload found that the previous one had not (a new edit refused)
     */
    public record Reload(List<String> changes, List<Refusal> refused) {
        public Reload {
            changes = List.copyOf(changes);
            refused = List.copyOf(refused);
        }

        public boolean isEmpty() {
            return changes.isEmpty() && refused.isEmpty();
        }
    }

    /** One file as last read: its text, what it last loaded as (null: never loaded), and its current errors. */
    private record FileState(String text, PlaybookLoader.Result good, List<PlaybookError> errors) {}

    private record State(PlaybookLoader.Loaded loaded, Map<Path, PlaybookLoader.Loaded> teams, List<Refusal> refusals) {}

    private final List<Path> dirs;
    private final PlaybookLoader.Loaded base;
    private final Map<Path, FileState> files = new LinkedHashMap<>();
    private volatile State state;

    /** Reads {@code dirs} over {@code base} (the built-ins) once. */
    public TeamCatalogue(List<Path> dirs, PlaybookLoader.Loaded base) {
        this.dirs = List.copyOf(dirs);
        this.base = base;
        reload();
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** The playbooks in force: the built-ins, then each directory's files as last loaded. */
    public PlaybookLoader.Loaded current() {
        return state.loaded();
    }

    /**
     * The playbooks in force for a target: the built-ins, then the files of the directories {@code applies} keeps, as
     * last loaded. Refusals are not repeated here: {@link #refusals()} has them.
     */
    public PlaybookLoader.Loaded current(java.util.function.Predicate<Path> applies) {
        State now = state;
        Map<Path, PlaybookLoader.Loaded> kept = new LinkedHashMap<>();
        now.teams().forEach((dir, loaded) -> {
            if (applies.test(dir)) {
                kept.put(dir, loaded);
            }
        });
        return kept.size() == now.teams().size() ? now.loaded() : PlaybookLoader.overlay(base, kept);
    }

    /** The files refused at the last reload. */
    public List<Refusal> refusals() {
        return state.refusals();
    }

    /** Reads every directory again; a file whose text is unchanged is not parsed again. */
    public synchronized Reload reload() {
        Set<String> before = state == null ? Set.of()
                : new LinkedHashSet<>(state.refusals().stream().map(r -> r.error().toString()).toList());
        List<String> changes = new ArrayList<>();
        Map<Path, PlaybookLoader.Loaded> teams = new LinkedHashMap<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<Refusal> refusals = new ArrayList<>();
        for (Path dir : dirs) {
            List<PlaybookError> errors = new ArrayList<>();
            List<Map.Entry<Path, PlaybookLoader.Result>> inForce = new ArrayList<>();
            Set<PlaybookError> previousInForce = new java.util.HashSet<>();
            for (Path f : PlaybookLoader.listed(dir, errors)) {
                seen.add(f);
                FileState now = read(f, files.get(f), changes);
                files.put(f, now);
                errors.addAll(now.errors());
                if (now.good() != null) {
                    inForce.add(Map.entry(f, now.good()));
                    previousInForce.addAll(now.errors());
                }
            }
            PlaybookLoader.Loaded loaded = PlaybookLoader.assemble(dir, inForce, errors);
            teams.put(dir, loaded);
            loaded.errors().forEach(e -> refusals.add(new Refusal(e, previousInForce.contains(e))));
        }
        for (Path gone : new ArrayList<>(files.keySet())) {
            if (!seen.contains(gone)) {
                FileState was = files.remove(gone);
                if (was.good() != null) {
                    changes.add("removed " + id(was.good()) + " (" + gone + ")");
                }
            }
        }
        state = new State(PlaybookLoader.overlay(base, teams), java.util.Collections.unmodifiableMap(teams), List.copyOf(refusals));
        List<Refusal> fresh = refusals.stream().filter(r -> !before.contains(r.error().toString())).toList();
        return new Reload(changes, fresh);
    }

    /** The file's state now: unchanged text keeps its state; new text is parsed, and a refusal keeps the last good. */
    private static FileState read(Path f, FileState was, List<String> changes) {
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new FileState(null, was == null ? null : was.good(), List.of(PlaybookLoader.unreadable(f, e)));
        }
        if (was != null && Objects.equals(was.text(), text)) {
            return was;
        }
        PlaybookLoader.Result r = PlaybookLoader.parse(f.toString(), text);
        if (!r.errors().isEmpty()) {
            return new FileState(text, was == null ? null : was.good(), r.errors());
        }
        changes.add((was == null || was.good() == null ? "added " : "changed ") + id(r) + " (" + f + ")");
        return new FileState(text, r, List.of());
    }

    private static String id(PlaybookLoader.Result r) {
        return r.playbook() != null ? r.playbook().id() : "disabled " + r.disabledId();
    }
}
