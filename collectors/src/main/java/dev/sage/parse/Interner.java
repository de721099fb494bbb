package dev.sage.parse;

import dev.sage.snapshot.StackFrame;

import java.util.List;

/**
 * Interns frames, class names and whole stacks while one dump is parsed, so that a dump with 5,000
 * threads and a hundred distinct frame lines allocates a hundred frames, not a million. Lookups compare
 * the text in place: nothing is allocated on a hit. Not thread-safe: one instance per parse.
 */
final class Interner {
    private final String text;

    private StackFrame[] frames = new StackFrame[256];
    private int frameCount;

    private String[] strings = new String[128];
    private int stringCount;

    @SuppressWarnings("unchecked")
    private List<StackFrame>[] stacks = new List[128];
    private int stackCount;

    Interner(String text) {
        this.text = text;
    }

    /** The frame whose text is {@code text[from, to)}. */
    StackFrame frame(int from, int to) {
        int hash = hash(from, to);
        int mask = frames.length - 1;
        int len = to - from;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            StackFrame f = frames[i];
            if (f == null) {
                StackFrame created = new StackFrame(text.substring(from, to));
                frames[i] = created;
                if (++frameCount * 2 > frames.length) {
                    frames = rehash(frames, new StackFrame[frames.length * 2]);
                }
                return created;
            }
            String t = f.text();
            if (t.length() == len && text.regionMatches(from, t, 0, len)) {
                return f;
            }
        }
    }

    /** The string {@code text[from, to)}, shared with earlier equal ones. */
    String string(int from, int to) {
        int hash = hash(from, to);
        int mask = strings.length - 1;
        int len = to - from;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            String s = strings[i];
            if (s == null) {
                String created = text.substring(from, to);
                strings[i] = created;
                if (++stringCount * 2 > strings.length) {
                    String[] bigger = new String[strings.length * 2];
                    for (String old : strings) {
                        if (old != null) {
                            put(bigger, old, old.hashCode() * 0x9E3779B9);
                        }
                    }
                    strings = bigger;
                }
                return created;
            }
            if (s.length() == len && text.regionMatches(from, s, 0, len)) {
                return s;
            }
        }
    }

    /** An immutable stack equal to {@code buffer[0, count)}, shared with earlier equal stacks. */
    @SuppressWarnings("unchecked")
    List<StackFrame> stack(StackFrame[] buffer, int count) {
        if (count == 0) {
            return List.of();
        }
        int hash = 1;
        for (int i = 0; i < count; i++) {
            hash = 31 * hash + System.identityHashCode(buffer[i]);
        }
        hash *= 0x9E3779B9;
        int mask = stacks.length - 1;
        for (int i = (hash ^ (hash >>> 16)) & mask; ; i = (i + 1) & mask) {
            List<StackFrame> s = stacks[i];
            if (s == null) {
                List<StackFrame> created = List.of(java.util.Arrays.copyOf(buffer, count));
                stacks[i] = created;
                if (++stackCount * 2 > stacks.length) {
                    List<StackFrame>[] bigger = new List[stacks.length * 2];
                    for (List<StackFrame> old : stacks) {
                        if (old != null) {
                            int h = 1;
                            for (StackFrame f : old) {
                                h = 31 * h + System.identityHashCode(f);
                            }
                            h *= 0x9E3779B9;
                            int m = bigger.length - 1;
                            int j = (h ^ (h >>> 16)) & m;
                            while (bigger[j] != null) {
                                j = (j + 1) & m;
                            }
                            bigger[j] = old;
                        }
                    }
                    stacks = bigger;
                }
                return created;
            }
            if (sameFrames(s, buffer, count)) {
                return s;
            }
        }
    }

    private static boolean sameFrames(List<StackFrame> s, StackFrame[] buffer, int count) {
        if (s.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (s.get(i) != buffer[i]) {
                return false;
            }
        }
        return true;
    }

    private int hash(int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + text.charAt(i);
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private StackFrame[] rehash(StackFrame[] old, StackFrame[] bigger) {
        int mask = bigger.length - 1;
        for (StackFrame f : old) {
            if (f != null) {
                int h = f.text().hashCode() * 0x9E3779B9;
                int i = (h ^ (h >>> 16)) & mask;
                while (bigger[i] != null) {
                    i = (i + 1) & mask;
                }
                bigger[i] = f;
            }
        }
        return bigger;
    }

    private static void put(String[] table, String s, int h) {
        int mask = table.length - 1;
        int i = (h ^ (h >>> 16)) & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = s;
    }
}
