package dev.sage.parse;

import dev.sage.snapshot.StackFrame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Interns frames, class names and whole stacks while one dump is parsed, so that a dump with 5,000
 * threads and a hundred distinct frame lines allocates a hundred frames, not a million. Lookups compare
 * the bytes in place: nothing is allocated on a hit. Not thread-safe: one instance per parse.
 */
final class Interner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final byte[] text;

    private final Table<StackFrame> frames = new Table<>(256);
    private final Table<String> strings = new Table<>(128);

    @SuppressWarnings("unchecked")
    private List<StackFrame>[] stacks = new List[128];
    private int stackCount;

    Interner(byte[] utf8) {
        this.text = utf8;
    }

    /** The frame whose text is {@code text[from, to)}. */
    StackFrame frame(int from, int to) {
        int slot = frames.find(text, from, to);
        StackFrame f = frames.value(slot);
        if (f == null) {
            f = new StackFrame(new String(text, from, to - from, StandardCharsets.UTF_8));
            frames.put(slot, text, from, to, f);
        }
        return f;
    }

    /** The string {@code text[from, to)}, shared with earlier equal ones. */
    String string(int from, int to) {
        int slot = strings.find(text, from, to);
        String s = strings.value(slot);
        if (s == null) {
            s = new String(text, from, to - from, StandardCharsets.UTF_8);
            strings.put(slot, text, from, to, s);
        }
        return s;
    }

    /** An immutable stack equal to {@code buffer[0, count)}, shared with earlier equal stacks. */
    @SuppressWarnings("unchecked")
    List<StackFrame> stack(StackFrame[] buffer, int count) {
        if (count == 0) {
            return List.of();
        }
        int mask = stacks.length - 1;
        for (int i = stackHash(buffer, count) & mask; ; i = (i + 1) & mask) {
            List<StackFrame> s = stacks[i];
            if (s == null) {
                List<StackFrame> created = List.of(Arrays.copyOf(buffer, count));
                stacks[i] = created;
                if (++stackCount * 2 > stacks.length) {
                    List<StackFrame>[] old = stacks;
                    stacks = new List[old.length * 2];
                    int m = stacks.length - 1;
                    for (List<StackFrame> o : old) {
                        if (o != null) {
                            StackFrame[] arr = o.toArray(new StackFrame[0]);
                            int j = stackHash(arr, arr.length) & m;
                            while (stacks[j] != null) {
                                j = (j + 1) & m;
                            }
                            stacks[j] = o;
                        }
                    }
                }
                return created;
            }
            if (sameFrames(s, buffer, count)) {
                return s;
            }
        }
    }

    private static int stackHash(StackFrame[] frames, int count) {
        int h = count;
        for (int i = 0; i < count; i++) {
            h = 31 * h + System.identityHashCode(frames[i]);
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
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

    /** Open addressing from byte ranges to values; the key bytes are copied once, on insert. */
    private static final class Table<V> {
        private byte[][] keys;
        private Object[] values;
        private int size;

        Table(int capacity) {
            keys = new byte[capacity][];
            values = new Object[capacity];
        }

        /** The slot holding this key, or the empty slot where it belongs. */
        int find(byte[] text, int from, int to) {
            int mask = keys.length - 1;
            int len = to - from;
            for (int i = hash(text, from, to) & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null || (k.length == len && Arrays.equals(k, 0, len, text, from, to))) {
                    return i;
                }
            }
        }

        @SuppressWarnings("unchecked")
        V value(int slot) {
            return (V) values[slot];
        }

        void put(int slot, byte[] text, int from, int to, V value) {
            keys[slot] = Arrays.copyOfRange(text, from, to);
            values[slot] = value;
            if (++size * 2 > keys.length) {
                byte[][] oldKeys = keys;
                Object[] oldValues = values;
                keys = new byte[oldKeys.length * 2][];
                values = new Object[oldKeys.length * 2];
                int mask = keys.length - 1;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != null) {
                        int j = hash(oldKeys[i], 0, oldKeys[i].length) & mask;
                        while (keys[j] != null) {
                            j = (j + 1) & mask;
                        }
                        keys[j] = oldKeys[i];
                        values[j] = oldValues[i];
                    }
                }
            }
        }

        /**
         * Hashes the length and three 8-byte words (start, middle, end): frame lines differ in their class,
         * method and line number, and a full comparison settles every hit.
         */
        private static int hash(byte[] text, int from, int to) {
            int len = to - from;
            long h = len;
            if (len >= 8) {
                h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(text, from);
                h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(text, from + (len - 8) / 2);
                h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(text, to - 8);
            } else {
                for (int i = from; i < to; i++) {
                    h = h * 31 + text[i];
                }
            }
            h *= 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
