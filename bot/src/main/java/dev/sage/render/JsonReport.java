package dev.sage.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.diagnosis.Finding;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.Problem;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an analysis as JSON in the stable shape of the design: {@code target, jvm, summary, findings,
 * notEvaluated, timings}, plus {@code snapshot} (the digest's figures), {@code problems} and {@code sources}.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    /** With the diagnosis's comparison against a sibling, when it has one, as {@code comparison}. */
    public static String render(Diagnosis diagnosis, JvmSnapshot snapshot, SnapshotDigest d, List<SnapshotReader.Read> reads) {
        dev.sage.diagnosis.Comparison comparison = diagnosis.comparison().orElse(null);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("target", diagnosis.target());
        root.put("jvm", diagnosis.jvm());
        root.put("summary", diagnosis.summary());
        root.put("notes", diagnosis.notes());
        root.put("findings", diagnosis.findings().stream().map(JsonReport::finding).toList());
        root.put("notEvaluated", diagnosis.notEvaluated().stream().map(CliWords::notEvaluated).toList());
        root.put("timings", diagnosis.timings());

        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("pid", snapshot.pid());
        if (snapshot.jvm() != null) {
            snap.put("jvm", ordered("vmName", snapshot.jvm().vmName(), "vmVersion", snapshot.jvm().vmVersion(),
                    "featureVersion", snapshot.jvm().featureVersion()));
        }
        snap.put("uptimeSeconds", snapshot.uptimeSeconds());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("heapUsedBytes", size(d.heapUsed()));
        memory.put("heapCommittedBytes", size(d.heapCommitted()));
        memory.put("heapMaxBytes", size(d.heapMax()));
        memory.put("collector", d.collector().isEmpty() ? null : d.collector());
        memory.put("metaspaceBytes", size(d.metaspace()));
        memory.put("rssBytes", size(d.rss()));
        memory.put("containerLimit", !d.cgroupKnown() ? "unknown" : d.containerLimit() < 0 ? "none" : "limited");
        memory.put("containerLimitBytes", size(d.containerLimit()));
        snap.put("memory", memory);
        Map<String, Object> threads = new LinkedHashMap<>();
        threads.put("dumps", snapshot.threadDumps().size());
        threads.put("countSeries", d.threadCountSeries());
        threads.put("count", d.threadCount());
        Map<String, Integer> byState = new LinkedHashMap<>();
        d.threadsByState().forEach((k, v) -> byState.put(k.name(), v));
        threads.put("byState", byState);
        threads.put("virtual", d.listedVirtualThreads());
        threads.put("carriersWithVirtualThread", d.mountedVirtualThreads());
        threads.put("families", d.families().stream().filter(f -> f.count() > 1)
                .map(f -> ordered("pattern", f.pattern(), "count", f.count())).toList());
        threads.put("deadlocks", d.deadlocks().stream().map(c -> c.links().stream().map(l -> ordered(
                "thread", l.thread(), "lock", l.lock().className(), "lockId", l.lock().id(), "heldBy", l.heldBy()))
                .toList()).toList());
        snap.put("threads", threads);
        Map<String, Object> histogram = new LinkedHashMap<>();
        histogram.put("count", d.histogramCount());
        histogram.put("classes", d.histogramClasses());
        histogram.put("totalBytes", d.histogramBytes());
        histogram.put("top", d.topClasses().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", c.className());
            m.put("instances", c.instances());
            m.put("bytes", c.bytes());
            if (c.bytesDelta() != null) {
                m.put("instancesDelta", c.instancesDelta());
                m.put("bytesDelta", c.bytesDelta());
            }
            return m;
        }).toList());
        snap.put("histogram", histogram);
        Map<String, Object> nativeMemory = new LinkedHashMap<>();
        if (snapshot.nativeMemory() instanceof NativeMemory.Summary nmt) {
            nativeMemory.put("state", nmt.diff() ? "diff" : "summary");
            nativeMemory.put("reservedBytes", nmt.total().reservedBytes());
            nativeMemory.put("committedBytes", nmt.total().committedBytes());
            if (nmt.diff()) {
                nativeMemory.put("committedDeltaBytes", nmt.total().committedDeltaBytes());
            }
            nativeMemory.put("categories", nmt.categories().stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("reservedBytes", c.amount().reservedBytes());
                m.put("committedBytes", c.amount().committedBytes());
                if (nmt.diff()) {
                    m.put("committedDeltaBytes", c.amount().committedDeltaBytes());
                }
                return m;
            }).toList());
        } else {
            nativeMemory.put("state", snapshot.nativeMemory() == null ? "not collected" : "not enabled");
        }
        snap.put("nativeMemory", nativeMemory);
        if (snapshot.profile() != null) {
            snap.put("profile", profile(snapshot.profile()));
        }
        root.put("snapshot", snap);

        if (comparison != null) {
            root.put("comparison", ordered("memory", differences(comparison.memory()),
                    "threadFamilies", differences(comparison.threadFamilies()), "classes", differences(comparison.classes())));
        }
        root.put("problems", snapshot.problems().stream().map(JsonReport::problem).toList());
        root.put("sources", reads.stream().map(r -> ordered("source", r.source(),
                "kinds", r.kinds().stream().map(Enum::name).toList())).toList());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A map that keeps the order of its keys: the JSON shape is stable from run to run. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static List<Map<String, Object>> differences(List<dev.sage.diagnosis.Comparison.Difference> ds) {
        return ds.stream().map(x -> ordered("what", x.what(), "jvm", x.jvm(), "sibling", x.sibling())).toList();
    }

    /** A size in bytes, or null when unknown. */
    private static Long size(long bytes) {
        return bytes < 0 ? null : bytes;
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("severity", f.severity().label());
        m.put("title", f.title());
        m.put("evidence", f.evidence());
        m.put("fixes", f.fixes());
        m.put("playbook", f.playbook());
        return m;
    }

    private static Map<String, Object> problem(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", p.source());
        m.put("line", p.line());
        m.put("message", p.message());
        return m;
    }

    /** A recording beside the rounds: its window and the top sites of each ranking. */
    private static Map<String, Object> profile(dev.sage.profile.Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", p.window().toMillis() / 1000.0);
        m.put("allocatedBytes", p.allocationBytes());
        m.put("allocations", sites(p.allocationSites(), "bytes"));
        m.put("cpuSamples", p.cpuSamples());
        m.put("cpu", sites(p.cpuSites(), "samples"));
        m.put("threadsStarted", p.threadsStarted());
        m.put("threadStarters", sites(p.threadStarters(), "threads"));
        m.put("collections", p.gc().collections());
        m.put("gcPauseMillis", p.gc().totalPause().toMillis());
        return m;
    }

    private static List<Map<String, Object>> sites(List<dev.sage.profile.Profile.Site> sites, String weight) {
        return sites.stream().limit(5).map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("frame", s.frame());
            m.put(weight, weight.equals("threads") ? s.count() : s.weight());
            m.put("stack", s.stack());
            return m;
        }).toList();
    }
}
