package dev.sage.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A check's condition holds: how strongly, and the figures evidence templates may show.
 *
 * @param strength how strong the signal is (e.g. how many threads wait), for ranking findings of one severity
 * @param figures name to value: a string, a number, or a list of strings (a template line naming a list is
 *     repeated once per element)
 */
public record Match(double strength, Map<String, Object> figures) {
    public Match {
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }
}
