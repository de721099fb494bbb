package dev.sage.parse;

/**
 * Searches bounded to one line of a large text. {@code String.indexOf(x, from)} runs to the end of the text
 * when {@code x} is absent from the line, which makes a per-line search quadratic on a 7 MB dump.
 */
final class Region {
    private Region() {}

    /** Index of {@code c} in {@code text[from, to)}, or -1. */
    static int indexOf(String text, char c, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** Index of {@code s} wholly inside {@code text[from, to)}, or -1. */
    static int indexOf(String text, String s, int from, int to) {
        int last = to - s.length();
        if (s.isEmpty()) {
            return from <= to ? from : -1;
        }
        char first = s.charAt(0);
        for (int i = Math.max(0, from); i <= last; i++) {
            if (text.charAt(i) == first && text.startsWith(s, i)) {
                return i;
            }
        }
        return -1;
    }
}
