package dev.sage.parse;

/** Reads the size spellings jcmd prints: {@code 17408K}, {@code 8M}, {@code 222663KB}, {@code +1032192KB}, {@code 16}. */
final class Sizes {
    private Sizes() {}

    /**
     * Parses a size at {@code s[from, to)}: optional sign, digits (commas allowed), optional unit
     * {@code B, K, KB, M, MB, G, GB}. Returns bytes, or {@code Long.MIN_VALUE} when the text is not a size.
     */
    static long parse(CharSequence s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long n = 0;
        int digits = 0;
        while (i < to) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (n > (Long.MAX_VALUE - 9) / 10) {
                    return Long.MIN_VALUE;
                }
                n = n * 10 + (c - '0');
                digits++;
            } else if (c != ',') {
                break;
            }
            i++;
        }
        if (digits == 0) {
            return Long.MIN_VALUE;
        }
        long unit = 1;
        if (i < to) {
            switch (Character.toUpperCase(s.charAt(i))) {
                case 'B' -> unit = 1;
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> {
                    return Long.MIN_VALUE;
                }
            }
        }
        if (n > Long.MAX_VALUE / unit) {
            return Long.MIN_VALUE;
        }
        return negative ? -n * unit : n * unit;
    }

    /** Parses a plain decimal long at {@code s[from, to)}, or returns {@code Long.MIN_VALUE}. */
    static long number(CharSequence s, int from, int to) {
        long n = 0;
        if (from >= to || to - from > 18) {
            return Long.MIN_VALUE;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
