package dev.sage.service;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.JvmSnapshot;

import java.util.List;

/**
 * A diagnosis with what it was made from, for renderers: the snapshot holds the figures a report shows, and the raw
 * captures are what a chat reply attaches.
 *
 * @param reads what was read from each input, for {@code analyze}; empty for a live collection
 * @param raw the answers to Sage's own commands as the JVM printed them; empty for {@code analyze} (the person has
 *     the files already)
 */
public record Report(Diagnosis diagnosis, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                     List<SnapshotReader.Raw> raw) {
    public Report {
        reads = List.copyOf(reads);
        raw = List.copyOf(raw);
    }
}
