package dev.sage.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups threads into families by name: {@code pool-7-thread-1} and {@code pool-8-thread-1} are one family
 * {@code pool-*-thread-1} (an executor built per request); {@code WatchService for /a} and
 * {@code WatchService for /b} are {@code WatchService for *}. Numbers that every member shares are kept, those
 * that vary become {@code *}. Pure.
 */
public final class ThreadFamilies {
    /** Singletons sharing their first words are merged only when at least this many do. */
    private static final int MIN_PREFIX_FAMILY = 3;

    private ThreadFamilies() {}

    /**
     * @param pattern the family name, {@code *} where members differ
     * @param count how many threads carry it
     * @param example one member's full name
     */
    public record Family(String pattern, int count, String example) {}

    /** The families of these threads, largest first (ties by pattern). */
    public static List<Family> of(List<JvmThread> threads) {
        Map<String, List<String>> byShape = new LinkedHashMap<>();
        for (JvmThread t : threads) {
            byShape.computeIfAbsent(shape(t.name()), k -> new ArrayList<>()).add(t.name());
        }
        List<Family> families = new ArrayList<>();
        Map<String, List<String>> singlesByPrefix = new LinkedHashMap<>();
        for (List<String> shapeNames : byShape.values()) {
            if (shapeNames.size() > 1 || shapeNames.get(0).isEmpty()) {
                for (List<String> names : splitOnFewValues(shapeNames)) {
                    families.add(new Family(pattern(names), names.size(), names.get(0)));
                }
            } else {
                String name = shapeNames.get(0);
                singlesByPrefix.computeIfAbsent(prefixKey(name), k -> new ArrayList<>()).add(name);
            }
        }
        for (Map.Entry<String, List<String>> e : singlesByPrefix.entrySet()) {
            List<String> names = e.getValue();
            if (names.size() >= MIN_PREFIX_FAMILY && !e.getKey().isEmpty()) {
                families.add(new Family(e.getKey() + " *", names.size(), names.get(0)));
            } else {
                for (String n : names) {
                    families.add(new Family(n, 1, n));
                }
            }
        }
        families.sort(Comparator.comparingInt(Family::count).reversed().thenComparing(Family::pattern));
        return families;
    }

    /**
     * Splits names of one shape on the numbers that take only a few values while another number varies
     * widely: {@code pool-N-thread-1} and {@code pool-N-thread-2} for 200 pools are two families of 200,
     * not one of 400.
     */
    static List<List<String>> splitOnFewValues(List<String> names) {
        List<List<String>> runs = new ArrayList<>();
        for (String n : names) {
            runs.add(digitRuns(n));
        }
        int positions = runs.get(0).size();
        int[] distinct = new int[positions];
        int widest = 0;
        for (int k = 0; k < positions; k++) {
            java.util.Set<String> values = new java.util.HashSet<>();
            for (List<String> r : runs) {
                values.add(r.get(k));
            }
            distinct[k] = values.size();
            widest = Math.max(widest, distinct[k]);
        }
        List<Integer> splitOn = new ArrayList<>();
        for (int k = 0; k < positions; k++) {
            if (distinct[k] > 1 && distinct[k] <= 4 && widest >= 5 && widest >= 2 * distinct[k]) {
                splitOn.add(k);
            }
        }
        if (splitOn.isEmpty()) {
            return List.of(names);
        }
        Map<List<String>, List<String>> groups = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            List<String> key = new ArrayList<>();
            for (int k : splitOn) {
                key.add(runs.get(i).get(k));
            }
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(names.get(i));
        }
        return new ArrayList<>(groups.values());
    }

    /** The name with every run of digits replaced by {@code #}. */
    static String shape(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean inDigits = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= '0' && c <= '9') {
                if (!inDigits) {
                    sb.append('#');
                    inDigits = true;
                }
            } else {
                sb.append(c);
                inDigits = false;
            }
        }
        return sb.toString();
    }

    /** The family pattern of names with one shape: shared numbers kept, differing ones as {@code *}. */
    static String pattern(List<String> names) {
        List<List<String>> numbers = new ArrayList<>();
        for (String n : names) {
            numbers.add(digitRuns(n));
        }
        String first = names.get(0);
        List<String> firstRuns = numbers.get(0);
        StringBuilder sb = new StringBuilder();
        int run = 0;
        int i = 0;
        while (i < first.length()) {
            char c = first.charAt(i);
            if (c >= '0' && c <= '9') {
                int j = i;
                while (j < first.length() && first.charAt(j) >= '0' && first.charAt(j) <= '9') {
                    j++;
                }
                String value = firstRuns.get(run);
                boolean shared = true;
                for (List<String> other : numbers) {
                    if (!other.get(run).equals(value)) {
                        shared = false;
                        break;
                    }
                }
                sb.append(shared ? value : "*");
                run++;
                i = j;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static List<String> digitRuns(String name) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < name.length()) {
            if (name.charAt(i) >= '0' && name.charAt(i) <= '9') {
                int j = i;
                while (j < name.length() && name.charAt(j) >= '0' && name.charAt(j) <= '9') {
                    j++;
                }
                runs.add(name.substring(i, j));
                i = j;
            } else {
                i++;
            }
        }
        return runs;
    }

    /** The first two words of a name, numbers as {@code *}: {@code WatchService for}, {@code ToeThread #*:}. */
    private static String prefixKey(String name) {
        String[] words = name.split(" ", 3);
        if (words.length < 3) {
            return "";
        }
        return (words[0] + " " + words[1]).replaceAll("[0-9]+", "*");
    }
}
