package dev.sage.parse;

/**
 * Reads {@code key=value} and {@code key value} sizes out of one line of jcmd output, e.g.
 * {@code reserved=1707135KB +474326KB}, {@code used 3263K}, {@code malloc=73KB tag=Class #971}.
 */
final class Fields {
    /** Value meaning "not printed". */
    static final long ABSENT = Long.MIN_VALUE;

    private Fields() {}

    /** The size after {@code key} (which includes its {@code =} or trailing space), or {@link #ABSENT}. */
    static long size(String line, String key) {
        int at = find(line, key);
        return at < 0 ? ABSENT : sizeAt(line, at + key.length());
    }

    /** The signed change printed after the size that follows {@code key} ({@code +474326KB}), or 0. */
    static long delta(String line, String key) {
        int at = find(line, key);
        if (at < 0) {
            return 0;
        }
        int i = skipToken(line, at + key.length());
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i + 1 < line.length() && (line.charAt(i) == '+' || line.charAt(i) == '-') && Character.isDigit(line.charAt(i + 1))) {
            long v = sizeAt(line, i);
            return v == ABSENT ? 0 : v;
        }
        return 0;
    }

    /** The count after {@code #} that follows {@code key} ({@code malloc=73KB tag=Class #971} gives 971), or -1. */
    static long countAfter(String line, String key) {
        int at = find(line, key);
        if (at < 0) {
            return -1;
        }
        int hash = line.indexOf('#', at);
        if (hash < 0) {
            return -1;
        }
        long v = Sizes.parse(line, hash + 1, tokenEnd(line, hash + 1));
        return v == Long.MIN_VALUE ? -1 : v;
    }

    /** The signed change printed after the count that follows {@code key}, or 0. */
    static long countDeltaAfter(String line, String key) {
        int at = find(line, key);
        if (at < 0) {
            return 0;
        }
        int hash = line.indexOf('#', at);
        if (hash < 0) {
            return 0;
        }
        int i = tokenEnd(line, hash + 1);
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i + 1 < line.length() && (line.charAt(i) == '+' || line.charAt(i) == '-')) {
            long v = Sizes.parse(line, i, tokenEnd(line, i + 1));
            return v == Long.MIN_VALUE ? 0 : v;
        }
        return 0;
    }

    private static int find(String line, String key) {
        int at = line.indexOf(key);
        // a key must start a word: "reserved=" must not match inside "mmap_reserved="
        while (at > 0 && (Character.isLetterOrDigit(line.charAt(at - 1)) || line.charAt(at - 1) == '_')) {
            at = line.indexOf(key, at + 1);
        }
        return at;
    }

    private static long sizeAt(String line, int from) {
        int i = from;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return Sizes.parse(line, i, tokenEnd(line, i));
    }

    private static int skipToken(String line, int from) {
        int i = from;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return tokenEnd(line, i);
    }

    private static int tokenEnd(String line, int from) {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ',' || c == ' ' || c == ')' || c == '(' || c == '[') {
                break;
            }
            i++;
        }
        return i;
    }
}
