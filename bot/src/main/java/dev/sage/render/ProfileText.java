package dev.sage.render;

import dev.sage.diagnosis.Units;
import dev.sage.profile.Profile;
import dev.sage.service.ProfileReport;

import java.util.List;
import java.util.Locale;

/**
 * A profile as text for a terminal: what was recorded, then each ranking with its share and the top site's stack.
 * Frames come from the target's code, so they are written as they are, one per line, never interpreted. Pure.
 */
public final class ProfileText {
    /** How many sites of each ranking are shown. */
    static final int SHOWN = 5;

    private ProfileText() {
    }

    public static String render(ProfileReport r) {
        Profile p = r.profile();
        StringBuilder out = new StringBuilder();
        out.append("Profile of ").append(r.target()).append(": ")
                .append(Units.duration(p.window().toMillis() / 1000.0)).append(" recorded")
                .append(r.existing().map(e -> " (the JVM was already recording, as \"" + e.substring(e.indexOf(' ') + 1)
                        + "\": Sage dumped that recording rather than start a second one)")
                        .orElse(r.took().isZero() ? " (a recording read from its file)" : " (JFR, profile settings)"))
                .append('\n');
        section(out, "Allocations, by the code that allocates (" + Units.bytes(p.allocationBytes()) + " sampled)",
                p.allocationSites(), p.allocationBytes(), true);
        section(out, "CPU, by the method running (" + p.cpuSamples() + " samples)", p.cpuSites(), p.cpuSamples(), false);
        if (!p.contention().isEmpty()) {
            out.append("\nWaits the recording kept (monitors entered, threads parked, longer than its threshold: 10 ms with"
                    + " the profile settings Sage starts, 20 ms with the JDK's default ones)\n");
            for (Profile.Site s : p.contention().subList(0, Math.min(SHOWN, p.contention().size()))) {
                out.append(String.format(Locale.ROOT, "  %9s  %5d×  %s%n", Units.duration(s.weight() / 1e9), s.count(),
                        s.frame()));
            }
        }
        Profile.Gc gc = p.gc();
        out.append("\nGarbage collection: ").append(gc.collections()).append(" collections, ")
                .append(gc.totalPause().toMillis()).append(" ms paused in all, the longest ")
                .append(gc.longestPause().toMillis()).append(" ms");
        if (gc.heapAfterFirst() >= 0) {
            out.append("; heap after GC ").append(Units.bytes(gc.heapAfterFirst())).append(" → ")
                    .append(Units.bytes(gc.heapAfterLast()));
        }
        out.append('\n');
        out.append("\nThreads started: ").append(p.threadsStarted());
        if (p.threadsStarted() > 0 && !p.threadStarters().isEmpty() && !p.threadStarters().get(0).stack().isEmpty()) {
            Profile.Site top = p.threadStarters().get(0);
            out.append(", most by ").append(top.frame()).append(" (").append(top.count()).append(")\n");
            stack(out, top.stack());
        } else {
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * One line for a diagnosis that recorded beside its rounds: the window, and the top site of each ranking. The
     * findings name the sites that bear on them; this line says what else the recording saw.
     */
    public static String summary(Profile p) {
        StringBuilder out = new StringBuilder(Units.duration(p.window().toMillis() / 1000.0)).append(" recorded: ");
        out.append(Units.bytes(p.allocationBytes())).append(" allocated");
        if (!p.allocationSites().isEmpty() && p.allocationBytes() > 0) {
            Profile.Site top = p.allocationSites().get(0);
            out.append(String.format(Locale.ROOT, " (%.0f %% by %s)", 100.0 * top.weight() / p.allocationBytes(), top.frame()));
        }
        out.append(", ").append(p.cpuSamples()).append(" CPU samples");
        if (!p.cpuSites().isEmpty() && p.cpuSamples() > 0) {
            Profile.Site top = p.cpuSites().get(0);
            out.append(String.format(Locale.ROOT, " (%.0f %% in %s)", 100.0 * top.weight() / p.cpuSamples(), top.frame()));
        }
        out.append(", ").append(p.threadsStarted()).append(" threads started, ").append(p.gc().collections())
                .append(" collections (").append(p.gc().totalPause().toMillis()).append(" ms paused)");
        return out.toString();
    }

    /**
     * What moved from {@code before} to {@code after}: each site whose share of the allocations or the CPU changed by
     * a point or more, most moved first.
     */
    public static String diff(ProfileReport before, ProfileReport after) {
        dev.sage.profile.ProfileDiff d = dev.sage.profile.ProfileDiff.of(before.profile(), after.profile());
        StringBuilder out = new StringBuilder("What changed from " + before.target() + " to " + after.target()
                + " (shares of each profile, so recordings of different lengths compare)\n");
        moves(out, "Allocations", d.allocations());
        moves(out, "CPU", d.cpu());
        return out.toString();
    }

    private static void moves(StringBuilder out, String title, List<dev.sage.profile.ProfileDiff.Change> changes) {
        out.append('\n').append(title).append('\n');
        if (changes.isEmpty()) {
            out.append("  no site moved by a point or more\n");
            return;
        }
        for (var c : changes) {
            String what = c.before() == 0 ? "new" : c.after() == 0 ? "gone" : c.move() > 0 ? "grew" : "shrank";
            out.append(String.format(Locale.ROOT, "  %-6s %+6.1f pts  %5.1f %% -> %5.1f %%  %s%n", what,
                    100 * c.move(), 100 * c.before(), 100 * c.after(), c.frame()));
        }
        if (changes.stream().anyMatch(c -> c.before() == 0 || c.after() == 0)) {
            out.append("  (new and gone: not among the other profile's top sites)\n");
        }
    }

    private static void section(StringBuilder out, String title, List<Profile.Site> sites, long total, boolean bytes) {
        out.append('\n').append(title).append('\n');
        if (sites.isEmpty() || total <= 0) {
            out.append("  none recorded\n");
            return;
        }
        for (Profile.Site s : sites.subList(0, Math.min(SHOWN, sites.size()))) {
            out.append(String.format(Locale.ROOT, "  %5.1f %%  %10s  %s%n", 100.0 * s.weight() / total,
                    bytes ? Units.bytes(s.weight()) : s.count() + "", s.frame()));
        }
        stack(out, sites.get(0).stack());
    }

    private static void stack(StringBuilder out, List<String> stack) {
        for (String frame : stack) {
            out.append("             at ").append(frame).append('\n');
        }
    }
}
