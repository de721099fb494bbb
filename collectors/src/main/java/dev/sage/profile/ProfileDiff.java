package dev.sage.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two profiles of the same code (before and after a fix, or a sick pod and a healthy sibling):
 * the sites whose share of the allocations or of the CPU grew, shrank, appeared or vanished. Shares, not amounts, so
 * that two recordings of different lengths or load compare. Pure.
 *
 * @param allocations the allocation sites that moved, most moved first
 * @param cpu the CPU sites that moved, most moved first
 */
public record ProfileDiff(List<Change> allocations, List<Change> cpu) {
    /** A move smaller than this (in share, 0 to 1) is noise. */
    static final double MIN_MOVE = 0.01;
    /** How many changes each list keeps. */
    static final int TOP = 8;

    public ProfileDiff {
        allocations = List.copyOf(allocations);
        cpu = List.copyOf(cpu);
    }

    /**
     * One site's share in each profile (0 to 1). A site outside one profile's top sites counts as 0 there, an
     * approximation the words say ("not among the top").
     */
    public record Change(String frame, double before, double after) {
        public double move() {
            return after - before;
        }
    }

    public static ProfileDiff of(Profile before, Profile after) {
        return new ProfileDiff(changes(before.allocationSites(), before.allocationBytes(), after.allocationSites(),
                after.allocationBytes()), changes(before.cpuSites(), before.cpuSamples(), after.cpuSites(), after.cpuSamples()));
    }

    private static List<Change> changes(List<Profile.Site> before, long beforeTotal, List<Profile.Site> after,
                                        long afterTotal) {
        Map<String, Double> b = shares(before, beforeTotal);
        Map<String, Double> a = shares(after, afterTotal);
        Set<String> frames = new LinkedHashSet<>(b.keySet());
        frames.addAll(a.keySet());
        List<Change> out = new ArrayList<>();
        for (String f : frames) {
            Change c = new Change(f, b.getOrDefault(f, 0.0), a.getOrDefault(f, 0.0));
            if (Math.abs(c.move()) >= MIN_MOVE) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingDouble((Change c) -> -Math.abs(c.move())).thenComparing(Change::frame));
        return out.size() > TOP ? out.subList(0, TOP) : out;
    }

    private static Map<String, Double> shares(List<Profile.Site> sites, long total) {
        Map<String, Double> out = new HashMap<>();
        if (total > 0) {
            for (Profile.Site s : sites) {
                out.put(s.frame(), (double) s.weight() / total);
            }
        }
        return out;
    }
}
