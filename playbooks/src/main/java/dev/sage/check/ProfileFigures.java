package dev.sage.check;

import dev.sage.diagnosis.Units;
import dev.sage.profile.Profile;
import dev.sage.profile.ProfileReader;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a flight recording adds to a finding that the dumps alone cannot say: who started the threads, who allocated
 * the class. Each method gives no figures when the snapshot has no recording, so an evidence line naming them is left
 * out. Pure; thread-safe.
 */
final class ProfileFigures {
    /** How many frames of a stack an evidence line shows. */
    static final int FRAMES = 5;

    private ProfileFigures() {}

    /** The figures {@link #threadStarts} gives. */
    static final List<String> STARTS = List.of("starter", "starter_stack", "no_starter");

    /** The figures {@link #allocations} gives. */
    static final List<String> ALLOCATIONS = List.of("allocated_by", "allocation_stack");

    /** A check's own figures followed by those a recording adds. */
    static List<String> plus(List<String> own, List<String> fromProfile) {
        List<String> all = new java.util.ArrayList<>(own);
        all.addAll(fromProfile);
        return List.copyOf(all);
    }

    /**
     * {@code starter} (the site that started the most threads of these families in the recording, how many of them and
     * how fast) and {@code starter_stack}; or {@code no_starter} when the recording, which kept every start, saw none.
     *
     * @param families thread family patterns ({@code pool-*-thread-1}, {@code Timer-*})
     */
    static Map<String, Object> threadStarts(JvmSnapshot s, List<String> families) {
        Map<String, Object> f = new LinkedHashMap<>();
        Profile p = s.profile();
        if (p == null || families.isEmpty()) {
            return f;
        }
        Predicate<String> named = named(families);
        Map<String, List<String>> bySite = new LinkedHashMap<>();
        for (Profile.StartedThread t : p.started()) {
            if (named.test(t.name())) {
                bySite.computeIfAbsent(t.site(), k -> new java.util.ArrayList<>()).add(t.name());
            }
        }
        String window = seconds(p) + " s recording";
        if (bySite.isEmpty()) {
            if (p.allStartsKept()) {
                f.put("no_starter", "no thread named like " + String.join(" or ", families) + " was started in the "
                        + window + ": these threads were started before it");
            }
            return f;
        }
        Map.Entry<String, List<String>> most = bySite.entrySet().stream()
                .max(java.util.Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        int count = most.getValue().size();
        double minutes = p.window().toMillis() / 60_000.0;
        List<String> examples = most.getValue().stream().distinct().limit(3).toList();
        f.put("starter", most.getKey() + " (" + Units.count(count) + " threads of the family in the " + window
                + (minutes > 0 ? ", " + String.format(Locale.ROOT, "%.0f", count / minutes) + " a minute" : "")
                + ", e.g. " + String.join(", ", examples) + ")");
        p.threadStarters().stream().filter(site -> site.frame().equals(most.getKey()) && !site.stack().isEmpty())
                .findFirst().ifPresent(site -> f.put("starter_stack", stack(site)));
        return f;
    }

    /**
     * {@code allocated_by} (where the recording saw most bytes of {@code classes} allocated: of the one of them it saw
     * most of, that class's top site and its share) and {@code allocation_stack}.
     *
     * @param classes JVM class names ({@code java.util.HashMap$Node}, {@code com.example.Entry}, {@code [B})
     */
    static Map<String, Object> allocations(JvmSnapshot s, List<String> classes) {
        Map<String, Object> f = new LinkedHashMap<>();
        Profile p = s.profile();
        if (p == null) {
            return f;
        }
        // a stack of the JDK's frames only (its own threads) does not say which code of the application it was
        Optional<Profile.ClassAllocations> most = classes.stream().distinct().map(p::allocationsOf)
                .flatMap(Optional::stream)
                .filter(a -> !a.sites().isEmpty() && a.bytes() > 0 && !ProfileReader.jdk(a.sites().get(0).frame()))
                .max(java.util.Comparator.comparingLong(Profile.ClassAllocations::bytes));
        if (most.isEmpty()) {
            // small objects are seldom sampled; what their own code allocates (a byte[] in a constructor) often is
            List<String> readable = classes.stream().map(ClassHistogram.Row::readable).toList();
            p.allocationSites().stream()
                    .filter(site -> site.frame().lastIndexOf('.') > 0
                            && readable.contains(site.frame().substring(0, site.frame().lastIndexOf('.'))))
                    .findFirst()
                    .ifPresent(site -> {
                        f.put("allocated_by", site.frame() + ": " + Math.round(100.0 * site.weight()
                                / Math.max(1, p.allocationBytes())) + " % of all " + Units.bytes(p.allocationBytes())
                                + " allocated in the " + seconds(p) + " s recording");
                        if (!site.stack().isEmpty()) {
                            f.put("allocation_stack", stack(site));
                        }
                    });
            return f;
        }
        Profile.ClassAllocations a = most.get();
        Profile.Site top = a.sites().get(0);
        f.put("allocated_by", top.frame() + ": " + Math.round(100.0 * top.weight() / a.bytes()) + " % of the "
                + Units.bytes(a.bytes()) + " of " + ClassHistogram.Row.readable(a.className()) + " allocated in the "
                + seconds(p) + " s recording");
        if (!top.stack().isEmpty()) {
            f.put("allocation_stack", stack(top));
        }
        return f;
    }

    /** A thread name matches one of the family patterns, a {@code *} standing for any run of characters. */
    static Predicate<String> named(List<String> families) {
        StringBuilder regex = new StringBuilder();
        for (String family : families) {
            if (regex.length() > 0) {
                regex.append('|');
            }
            String[] parts = family.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                regex.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
            }
        }
        Pattern p = Pattern.compile(regex.toString());
        return name -> p.matcher(name).matches();
    }

    /** The site's stack from its application frame on (the JDK frames above it say nothing new), a few frames. */
    private static String stack(Profile.Site site) {
        List<String> all = site.stack();
        int from = 0;
        while (from < all.size() && !(all.get(from).equals(site.frame()) || all.get(from).startsWith(site.frame() + ":"))) {
            from++;
        }
        from = from == all.size() ? 0 : from;
        List<String> frames = all.subList(from, Math.min(from + FRAMES, all.size()));
        return String.join(" <- ", frames) + (all.size() > from + FRAMES ? " <- ..." : "");
    }

    private static long seconds(Profile p) {
        return Math.max(1, Math.round(p.window().toMillis() / 1000.0));
    }
}
