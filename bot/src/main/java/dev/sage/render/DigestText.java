package dev.sage.render;

import dev.sage.diagnosis.Units;
import dev.sage.digest.DigestResult;
import dev.sage.digest.TargetSummary;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A digest as text (the command line, and the file attached in Slack) and as CSV. Pure. */
public final class DigestText {
    private DigestText() {}

    /** The header line: the digest, the fleet and its counts. */
    public static String headline(DigestResult r) {
        Map<TargetSummary.Status, Integer> c = r.counts();
        return String.format(Locale.ROOT, "Fleet health: %s, %d JVM%s in %s: %d critical, %d warning, %d healthy, %d unreachable",
                r.spec().name(), r.targets().size(), r.targets().size() == 1 ? "" : "s",
                Units.duration(r.took().toMillis() / 1000.0), c.get(TargetSummary.Status.CRITICAL),
                c.get(TargetSummary.Status.WARNING), c.get(TargetSummary.Status.HEALTHY),
                c.get(TargetSummary.Status.UNREACHABLE));
    }

    /** Every service, worst first, with each target's top finding and figures; then what could not be covered. */
    public static String render(DigestResult r) {
        StringBuilder out = new StringBuilder(headline(r)).append("\n");
        for (Map.Entry<String, List<TargetSummary>> service : r.services().entrySet()) {
            List<TargetSummary> targets = service.getValue();
            out.append("\n").append(targets.get(0).status().name()).append("  ").append(service.getKey())
                    .append(" (").append(targets.size()).append(" JVM").append(targets.size() == 1 ? "" : "s").append(")\n");
            for (TargetSummary t : targets) {
                out.append("  ").append(t.target().name()).append(": ").append(line(t)).append("\n");
            }
        }
        if (!r.problems().isEmpty()) {
            out.append("\nNot covered:\n");
            r.problems().forEach(p -> out.append("  - ").append(p).append("\n"));
        }
        return out.toString();
    }

    /** One target in a line: its top finding (or why it was not reached), then its figures. */
    public static String line(TargetSummary t) {
        if (t.status() == TargetSummary.Status.UNREACHABLE) {
            return "unreachable: " + t.unreachable();
        }
        String finding = t.top().map(f -> f.title() + " [" + f.id() + "]")
                .orElse(t.growth().map(g -> "Steady growth: " + g).orElse("nothing above info"));
        String trend = t.top().isPresent() ? t.growth().map(g -> "; growing: " + g).orElse("") : "";
        return finding + trend + "; " + figures(t) + t.change().map(c -> " (" + c + ")").orElse("");
    }

    /** RSS, heap and threads, those that are known. */
    public static String figures(TargetSummary t) {
        StringBuilder out = new StringBuilder();
        if (t.rssBytes() >= 0) {
            out.append("RSS ").append(Units.bytes(t.rssBytes()));
        }
        if (t.heapUsedBytes() >= 0) {
            out.append(out.isEmpty() ? "" : ", ").append("heap ").append(Units.bytes(t.heapUsedBytes()));
            if (t.heapCommittedBytes() >= 0) {
                out.append(" of ").append(Units.bytes(t.heapCommittedBytes()));
            }
        }
        if (t.threads() >= 0) {
            out.append(out.isEmpty() ? "" : ", ").append(t.threads()).append(" threads");
        }
        return out.toString();
    }

    /** Every target as a CSV row, worst service first (RFC 4180 quoting). */
    public static String csv(DigestResult r) {
        StringBuilder out = new StringBuilder("service,target,status,top_finding,findings,rss_bytes,heap_used_bytes,"
                + "heap_committed_bytes,threads,unreachable\r\n");
        r.services().forEach((service, targets) -> targets.forEach(t -> out.append(String.join(",", List.of(
                quote(service), quote(t.target().name()), t.status().label(), quote(t.top().map(f -> f.id()).orElse("")),
                quote(String.join(" ", t.findingIds())), Long.toString(t.rssBytes()), Long.toString(t.heapUsedBytes()),
                Long.toString(t.heapCommittedBytes()), Integer.toString(t.threads()), quote(t.unreachable()))))
                .append("\r\n")));
        return out.toString();
    }

    private static String quote(String v) {
        // a leading = + - @ would be a formula to a spreadsheet: quoted with a ' first
        String safe = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        return safe.matches("[A-Za-z0-9 ._:/@'-]*") ? safe : "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
