package dev.sage.parse;

import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockAction;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.StackFrame;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;
import dev.sage.snapshot.VirtualThread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one HotSpot thread dump: {@code jstack} and {@code jcmd Thread.print} from JDK 5 to 25 (with and
 * without {@code -l}), {@code kill -3} output, the JMX-style ({@code "name" id=7 in RUNNABLE}) and VisualVM
 * ({@code "name" - Thread t@7}) layouts, and {@code Thread.dump_to_file} text (JDK 21+).
 *
 * <p>One pass over the text, no regular expressions; frames, class names and whole stacks are interned.
 * Lines it does not know (log lines, {@code Threads class SMR info}) are skipped. A dump that ends in the
 * middle of a thread keeps every thread read so far and is marked {@link ThreadDump#truncated()}.
 * Pure and thread-safe: each call has its own state.
 */
public final class ThreadDumpParser {

    /** The dump as UTF-8 bytes: every marker the parser looks for is ASCII, so it scans bytes, not chars. */
    private final byte[] b;
    private final int end;
    private final Interner interner;

    private final List<JvmThread> threads = new ArrayList<>();
    private final List<Deadlock> deadlocks = new ArrayList<>();
    private String timestamp = "";
    private String banner = "";

    // The thread being read.
    private boolean inThread;
    private String name;
    private long number;
    private boolean daemon;
    private boolean virtual;
    private int priority;
    private ThreadState state;
    private String stateDetail;
    private Double cpuMillis;
    private Double elapsedSeconds;
    private long nid;
    private StackFrame[] frames = new StackFrame[64];
    private int frameCount;
    private List<LockAction> locks;
    private List<LockRef> ownable;
    private boolean inOwnable;
    private long carriedId = -1;
    private StackFrame[] carriedFrames = new StackFrame[64];
    private int carriedCount;
    private boolean inMounted;

    // The deadlock report.
    private boolean inDeadlockReport;
    private boolean inDeadlockStacks;
    private boolean deadlockSummarySeen;
    private List<Deadlock.Link> cycle;
    private String linkThread;
    private LockRef linkLock;
    private boolean linkOwnable;

    private boolean dumpToFileLayout;
    private boolean endMarkerSeen;
    private boolean lastLineInStanza;
    /** The banner of HotSpot 8 ("25.144-b01") or 9 and later ("17.0.11+9", "25+36-LTS"), which print an end marker. */
    private static final java.util.regex.Pattern MODERN_HOTSPOT =
            java.util.regex.Pattern.compile("\\((?:25\\.\\d+-b\\d+|\\d+(?:\\.\\d+)*\\+\\d+)[^)]*mode");

    /** HotSpot 10+ prints this before the threads, and always ends such a dump with its "JNI global refs" line. */
    private boolean smrInfoSeen;


    private ThreadDumpParser(byte[] utf8, int start, int end) {
        this.b = utf8;
        this.end = end;
        this.interner = new Interner(utf8);
        this.pos = start;
    }

    private int pos;

    /** Parses a text holding one thread dump. */
    public static ThreadDump parse(String text) {
        return parse(text, 0, text.length());
    }

    /** Parses the dump in {@code text[start, end)}; the parser reads a UTF-8 copy of that range only. */
    public static ThreadDump parse(String text, int start, int end) {
        if (start < 0 || end > text.length() || start > end) {
            throw new IllegalArgumentException("bad range " + start + ".." + end + " of " + text.length());
        }
        byte[] utf8 = (start == 0 && end == text.length() ? text : text.substring(start, end))
                .getBytes(StandardCharsets.UTF_8);
        return new ThreadDumpParser(utf8, 0, utf8.length).run();
    }

    private ThreadDump run() {
        boolean lastLineTerminated = true;
        while (pos < end) {
            int nl = newline(pos);
            int lineEnd;
            int next;
            if (nl < 0 || nl >= end) {
                lineEnd = end;
                next = end;
                lastLineTerminated = false;
            } else {
                lineEnd = nl;
                next = nl + 1;
            }
            if (lineEnd > pos && at(lineEnd - 1) == '\r') {
                lineEnd--;
            }
            line(pos, lineEnd);
            pos = next;
        }
        boolean truncated = false;
        if (inThread) {
            // HotSpot 8 and later (their banner gives a version like "25.144-b01" or "17.0.11+9", and 10+ prints
            // "Threads class SMR info") always end a dump with its end marker: without it, the dump was cut, wherever.
            // Any whole dump (it has its "Full thread dump" line) whose last line stops mid-way was cut ("\tat", half a
            // state line, half of "Locked ownable synchronizers"), and so was one that ends at a line end inside a
            // stack. An excerpt pasted without its header is called cut only when its last, recognised line is.
            if (endMarkerSeen) {
                truncated = false;
            } else if (smrInfoSeen || MODERN_HOTSPOT.matcher(banner).find()) {
                truncated = true;
            } else if (!lastLineTerminated) {
                truncated = !banner.isEmpty() || lastLineInStanza;
            } else {
                truncated = lastLineInStanza && !banner.isEmpty() && (frameCount > 0 || carriedCount > 0);
            }
            finishThread();
        }
        if (inDeadlockReport || cycle != null) {
            if (!deadlockSummarySeen) {
                truncated = true;
            }
            finishCycle();
        }
        return new ThreadDump(timestamp, banner, threads, deadlocks, truncated);
    }

    private void line(int from, int to) {
        int p = from;
        while (p < to && (at(p) == ' ' || at(p) == '\t')) {
            p++;
        }
        if (p == to) {
            lastLineInStanza = false;
            if (inOwnable) {
                inOwnable = false;
            }
            return;
        }
        char c = at(p);
        if (inDeadlockReport) {
            deadlockLine(p, to, c);
            return;
        }
        boolean indented = p > from;
        switch (c) {
            case '"' -> {
                if (!indented) {
                    header(p, to, -1);
                    return;
                }
            }
            case 'a' -> {
                if (startsWith("at ", p) && inThread) {
                    frame(p + 3, to);
                    return;
                }
            }
            case '-' -> {
                if (p + 1 < to && at(p + 1) == ' ' && inThread) {
                    lockLine(p + 2, to);
                    return;
                }
            }
            case 'j' -> {
                if (startsWith("java.lang.Thread.State:", p) && inThread) {
                    stateLine(p + "java.lang.Thread.State:".length(), to);
                    return;
                }
            }
            case 'L' -> {
                if (inThread && (startsWith("Locked ownable synchronizers:", p)
                        || startsWith("Locked synchronizers:", p))) {
                    inOwnable = true;
                    lastLineInStanza = true;
                    return;
                }
            }
            case 'C' -> {
                if (inThread && startsWith("Carrying virtual thread #", p)) {
                    carriedId = number(p + "Carrying virtual thread #".length(), to);
                    lastLineInStanza = true;
                    return;
                }
            }
            case 'M' -> {
                if (inThread && startsWith("Mounted virtual thread #", p)) {
                    inMounted = true;
                    if (carriedId < 0) {
                        carriedId = number(p + "Mounted virtual thread #".length(), to);
                    }
                    lastLineInStanza = true;
                    return;
                }
            }
            case 'T' -> {
                if (!indented && startsWith("Threads class SMR info:", p)) {
                    smrInfoSeen = true;
                    return;
                }
            }
            case 'J' -> {
                if (!indented && startsWith("JNI global ref", p)) {
                    finishThread();
                    endMarkerSeen = true;
                    lastLineInStanza = false;
                    return;
                }
            }
            case 'F' -> {
                if (!indented && startsWith("Found one Java-level deadlock", p)) {
                    finishThread();
                    startCycle();
                    return;
                }
                if (!indented && startsWith("Full thread dump", p)) {
                    if (banner.isEmpty()) {
                        banner = bannerOf(p + "Full thread dump".length(), to);
                    }
                    lastLineInStanza = false;
                    return;
                }
            }
            case '#' -> {
                if (!indented && p + 1 < to && Character.isDigit(at(p + 1))) {
                    int q = p + 1;
                    while (q < to && Character.isDigit(at(q))) {
                        q++;
                    }
                    if (q + 1 < to && at(q) == ' ' && at(q + 1) == '"') {
                        dumpToFileLayout = true;
                        header(q + 1, to, number(p + 1, q));
                        return;
                    }
                }
            }
            default -> {
                if (!indented && threads.isEmpty() && !inThread) {
                    if (timestamp.isEmpty() && looksLikeTimestamp(p, to)) {
                        timestamp = str(p, to).strip();
                        return;
                    }
                    if (banner.isEmpty() && !timestamp.isEmpty() && at(p) >= '0' && at(p) <= '9' && timestamp.indexOf('T') > 0) {
                        banner = str(p, to).strip(); // Thread.dump_to_file: the runtime version follows the time
                        return;
                    }
                }
            }
        }
        if (dumpToFileLayout && indented && inThread) {
            frame(p, to);
            return;
        }
        lastLineInStanza = false;
    }

    // ---- thread stanzas ----

    private void header(int quote, int to, long dumpToFileNumber) {
        finishThread();
        inThread = true;
        lastLineInStanza = true;
        number = dumpToFileNumber;
        daemon = false;
        virtual = false;
        priority = -1;
        state = ThreadState.UNKNOWN;
        stateDetail = "";
        cpuMillis = null;
        elapsedSeconds = null;
        nid = -1;
        frameCount = 0;
        locks = null;
        ownable = null;
        inOwnable = false;
        carriedId = -1;
        carriedCount = 0;
        inMounted = false;

        int close = closingQuote(quote + 1, to);
        name = close < 0 ? str(quote + 1, to) : str(quote + 1, close);
        if (close < 0) {
            return;
        }
        int p = close + 1;
        ThreadState fromDescription = null;
        while (p < to) {
            while (p < to && at(p) == ' ') {
                p++;
            }
            int t = p;
            while (p < to && at(p) != ' ') {
                p++;
            }
            if (t == p) {
                break;
            }
            char c = at(t);
            if (c == '#' && number < 0) {
                number = number(t + 1, p);
            } else if (c == '[' || c == '-') {
                // [2483] OS thread id, or the VisualVM " - Thread t@7" separator
            } else if (c == 'd' && p - t == 6 && startsWith("daemon", t)) {
                daemon = true;
            } else if (c == 'v' && p - t == 7 && startsWith("virtual", t)) {
                virtual = true;
            } else if (startsWith("prio=", t)) {
                priority = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, number(t + 5, p)));
            } else if (startsWith("cpu=", t)) {
                cpuMillis = duration(t + 4, p, 1.0);
            } else if (startsWith("elapsed=", t)) {
                Double ms = duration(t + 8, p, 1000.0);
                elapsedSeconds = ms == null ? null : ms / 1000.0;
            } else if (startsWith("nid=", t)) {
                nid = nid(t + 4, p);
                fromDescription = describedState(p, to);
                break;
            } else if (startsWith("id=", t) && number < 0) {
                number = number(t + 3, p);
            } else if (startsWith("t@", t) && number < 0) {
                number = number(t + 2, p);
            } else if (c == 'i' && p - t == 2 && startsWith("in", t)) {
                // JMX layout: "in RUNNABLE"
                int s = p + 1;
                int e = s;
                while (e < to && at(e) != ' ') {
                    e++;
                }
                if (s < e) {
                    ThreadState named = ThreadState.of(str(s, e));
                    if (named != ThreadState.UNKNOWN) {
                        state = named;
                    }
                    p = e;
                }
            } else if (Character.isUpperCase(c)) {
                ThreadState named = stateWord(t, p);
                if (named != null) {
                    state = named;
                }
            }
        }
        if (state == ThreadState.UNKNOWN && fromDescription != null) {
            state = fromDescription;
        }
    }

    private ThreadState stateWord(int from, int to) {
        return switch (to - from) {
            case 3 -> startsWith("NEW", from) ? ThreadState.NEW : null;
            case 7 -> startsWith("BLOCKED", from) ? ThreadState.BLOCKED
                    : startsWith("WAITING", from) ? ThreadState.WAITING : null;
            case 8 -> startsWith("RUNNABLE", from) ? ThreadState.RUNNABLE : null;
            case 10 -> startsWith("TERMINATED", from) ? ThreadState.TERMINATED : null;
            case 13 -> startsWith("TIMED_WAITING", from) ? ThreadState.TIMED_WAITING : null;
            default -> null;
        };
    }

    /** The state a header's words imply, for dumps that print no {@code java.lang.Thread.State} line. */
    private ThreadState describedState(int from, int to) {
        int bracket = indexOf('[', from, to);
        int e = bracket < 0 ? to : bracket;
        if (regionContains(from, e, "runnable")) return ThreadState.RUNNABLE;
        if (regionContains(from, e, "waiting for monitor entry")) return ThreadState.BLOCKED;
        if (regionContains(from, e, "sleeping")) return ThreadState.TIMED_WAITING;
        if (regionContains(from, e, "Object.wait()") || regionContains(from, e, "waiting on condition")) {
            return ThreadState.WAITING;
        }
        return null;
    }

    private boolean regionContains(int from, int to, String word) {
        return indexOf(word, from, to) >= 0;
    }

    private void stateLine(int from, int to) {
        lastLineInStanza = true;
        int p = from;
        while (p < to && at(p) == ' ') {
            p++;
        }
        int e = p;
        while (e < to && at(e) != ' ') {
            e++;
        }
        ThreadState named = stateWord(p, e);
        state = named == null ? ThreadState.UNKNOWN : named;
        int d = e;
        while (d < to && at(d) == ' ') {
            d++;
        }
        if (d < to) {
            int ds = d;
            int de = to;
            if (at(ds) == '(' && at(de - 1) == ')') {
                ds++;
                de--;
            }
            stateDetail = interner.string(ds, de);
        }
    }

    private void frame(int from, int to) {
        int e = to;
        while (e > from && at(e - 1) == ' ') {
            e--;
        }
        if (e == from) {
            return;
        }
        lastLineInStanza = true;
        StackFrame f = interner.frame(from, e);
        if (inMounted) {
            if (carriedCount == carriedFrames.length) {
                carriedFrames = java.util.Arrays.copyOf(carriedFrames, carriedCount * 2);
            }
            carriedFrames[carriedCount++] = f;
        } else {
            if (frameCount == frames.length) {
                frames = java.util.Arrays.copyOf(frames, frameCount * 2);
            }
            frames[frameCount++] = f;
        }
    }

    private void lockLine(int from, int to) {
        lastLineInStanza = true;
        if (inOwnable) {
            if (startsWith("None", from)) {
                return;
            }
            int p = from;
            if (startsWith("locked ", p)) {
                p += "locked ".length();
            }
            LockRef lock = lockRef(p, to);
            if (lock != null) {
                if (ownable == null) {
                    ownable = new ArrayList<>(2);
                }
                ownable.add(lock);
            }
            return;
        }
        LockAction.Kind kind;
        int p;
        if (startsWith("locked ", from)) {
            kind = LockAction.Kind.LOCKED;
            p = from + 7;
        } else if (startsWith("waiting to lock ", from)) {
            kind = LockAction.Kind.WAITING_TO_LOCK;
            p = from + 16;
        } else if (startsWith("waiting on the Class initialization monitor for ", from)) {
            if (locks == null) {
                locks = new ArrayList<>(2);
            }
            int c = from + "waiting on the Class initialization monitor for ".length();
            locks.add(new LockAction(LockAction.Kind.WAITING_ON_CLASS_INIT, new LockRef("", interner.string(c, to)),
                    inMounted ? -1 : frameCount - 1));
            return;
        } else if (startsWith("waiting on ", from)) {
            kind = LockAction.Kind.WAITING_ON;
            p = from + 11;
        } else if (startsWith("parking to wait for ", from)) {
            kind = LockAction.Kind.PARKED_ON;
            p = from + 20;
        } else if (startsWith("waiting to re-lock in wait() ", from)) {
            kind = LockAction.Kind.WAITING_TO_RELOCK;
            p = from + 29;
        } else if (startsWith("eliminated ", from)) {
            kind = LockAction.Kind.ELIMINATED;
            p = from + 11;
        } else {
            return;
        }
        LockRef lock = lockRef(p, to);
        if (lock == null) {
            return;
        }
        if (locks == null) {
            locks = new ArrayList<>(4);
        }
        locks.add(new LockAction(kind, lock, inMounted ? -1 : frameCount - 1));
    }

    /**
     * Reads {@code <0x...> (a java.lang.Object)}, {@code <Class@hash>} (dump_to_file) or {@code Class@hash}
     * (JMX and VisualVM layouts).
     */
    private LockRef lockRef(int from, int to) {
        int p = from;
        while (p < to && at(p) == ' ') {
            p++;
        }
        if (p >= to) {
            return null;
        }
        if (at(p) == '<') {
            int close = indexOf('>', p, to);
            if (close < 0 || indexOf(' ', p, close) >= 0) {
                return null; // <no object reference available>, <owner is scalar replaced>: nothing to name
            }
            int a = indexOf("(a ", close, to);
            if (a >= 0) {
                int paren = indexOf(')', a, to);
                int ce = paren < 0 ? to : paren;
                return new LockRef(interner.string(p + 1, close), interner.string(a + 3, ce));
            }
            int at = lastIndexOf('@', p, close);
            if (at > p) {
                return new LockRef(str(at + 1, close), interner.string(p + 1, at));
            }
            return new LockRef(str(p + 1, close), "");
        }
        int e = p;
        while (e < to && at(e) != ' ') {
            e++;
        }
        int at = lastIndexOf('@', p, e);
        if (at > p) {
            return new LockRef(str(at + 1, e), interner.string(p, at));
        }
        return new LockRef(str(p, e), "");
    }

    private void finishThread() {
        if (!inThread) {
            return;
        }
        inThread = false;
        inOwnable = false;
        VirtualThread carried = null;
        if (carriedId >= 0 || carriedCount > 0) {
            carried = new VirtualThread(carriedId, interner.stack(carriedFrames, carriedCount));
        }
        threads.add(new JvmThread(name, number, daemon, virtual, priority, state, stateDetail, cpuMillis,
                elapsedSeconds, nid, interner.stack(frames, frameCount),
                locks == null ? List.of() : locks,
                ownable == null ? List.of() : ownable, carried));
    }

    // ---- the deadlock report ----

    private void startCycle() {
        finishCycle();
        inDeadlockReport = true;
        inDeadlockStacks = false;
        cycle = new ArrayList<>();
        linkThread = null;
        linkLock = null;
    }

    private void finishCycle() {
        if (cycle != null && !cycle.isEmpty()) {
            deadlocks.add(new Deadlock(cycle));
        }
        cycle = null;
    }

    private void deadlockLine(int p, int to, char c) {
        lastLineInStanza = false;
        if (c == 'F') {
            if (startsWith("Found one Java-level deadlock", p)) {
                startCycle();
                return;
            }
            if (startsWith("Found ", p) && regionContains(p, to, "deadlock")) {
                finishCycle();
                inDeadlockReport = false;
                deadlockSummarySeen = true;
                endMarkerSeen = true;
                return;
            }
        }
        if (c == 'J' && startsWith("Java stack information", p)) {
            inDeadlockStacks = true;
            return;
        }
        if (c == 'J' && startsWith("JNI global ref", p)) {
            endMarkerSeen = true;
            return;
        }
        if (inDeadlockStacks) {
            return;
        }
        if (c == '"') {
            int close = closingQuote(p + 1, to);
            linkThread = str(p + 1, close < 0 ? to : close);
            linkLock = null;
            return;
        }
        if (startsWith("waiting to lock monitor ", p) || startsWith("waiting to lock Monitor", p)) {
            linkOwnable = false;
            linkLock = deadlockLock(p, to);
        } else if (startsWith("waiting for ownable synchronizer ", p)) {
            linkOwnable = true;
            linkLock = deadlockLock(p, to);
        } else if (startsWith("which is held by ", p) && linkThread != null && cycle != null) {
            int q = p + "which is held by ".length();
            String holder;
            if (q < to && at(q) == '"') {
                int close = closingQuote(q + 1, to);
                holder = str(q + 1, close < 0 ? to : close);
            } else {
                holder = str(q, to).strip();
            }
            cycle.add(new Deadlock.Link(linkThread, linkLock == null ? new LockRef("", "") : linkLock,
                    linkOwnable, holder));
            linkThread = null;
            linkLock = null;
        }
    }

    /**
     * Reads {@code monitor 0x... (object 0x..., a java.lang.Object),} or
     * {@code ownable synchronizer 0x..., (a java.util.concurrent.locks.ReentrantLock$NonfairSync),}.
     */
    private LockRef deadlockLock(int from, int to) {
        String id = "";
        int obj = indexOf("(object ", from, to);
        if (obj >= 0) {
            int comma = indexOf(',', obj, to);
            if (comma > 0) {
                id = str(obj + 8, comma);
            }
        } else {
            int hex = indexOf("0x", from, to);
            if (hex >= 0) {
                int e = hex;
                while (e < to && at(e) != ',' && at(e) != ' ') {
                    e++;
                }
                id = str(hex, e);
            }
        }
        String cls = "";
        int a = indexOf("a ", obj >= 0 ? obj : Math.max(from, indexOf('(', from, to)), to);
        int paren = a < 0 ? -1 : indexOf(')', a, to);
        if (a >= 0 && paren > a) {
            cls = interner.string(a + 2, paren);
        }
        return new LockRef(id, cls);
    }

    // ---- small readers ----

    /** The quote closing a thread name: the first one followed by a space, a colon or the end of the line. */
    private int closingQuote(int from, int to) {
        for (int q = indexOf('"', from, to); q >= 0; q = indexOf('"', q + 1, to)) {
            if (q + 1 == to || at(q + 1) == ' ' || at(q + 1) == ':' || at(q + 1) == '\t') {
                return q;
            }
        }
        return -1;
    }

    private String bannerOf(int from, int to) {
        String b = str(from, to).strip();
        if (b.endsWith(":")) {
            b = b.substring(0, b.length() - 1);
        }
        return b;
    }

    private boolean looksLikeTimestamp(int from, int to) {
        // 2026-12-02 00:34:55, or 2026-12-02T03:12:57.812525463Z in Thread.dump_to_file
        return to - from >= 19 && Character.isDigit(at(from)) && at(from + 4) == '-'
                && at(from + 7) == '-' && (at(from + 10) == ' ' || at(from + 10) == 'T') && at(from + 13) == ':';
    }

    private long number(int from, int to) {
        long n = 0;
        int i = from;
        int digits = 0;
        while (i < to && digits < 18) {
            char c = at(i);
            if (c < '0' || c > '9') {
                break;
            }
            n = n * 10 + (c - '0');
            digits++;
            i++;
        }
        return digits == 0 ? -1 : n;
    }

    private long nid(int from, int to) {
        if (to - from > 2 && at(from) == '0' && (at(from + 1) == 'x' || at(from + 1) == 'X')) {
            long n = 0;
            for (int i = from + 2; i < to && i < from + 18; i++) {
                int d = Character.digit(at(i), 16);
                if (d < 0) {
                    break;
                }
                n = (n << 4) | d;
            }
            return n;
        }
        return number(from, to);
    }

    /** {@code 78.80ms} or {@code 12.49s} in milliseconds; a bare number is taken in {@code defaultUnitMillis}. */
    private Double duration(int from, int to, double defaultUnitMillis) {
        double v = 0;
        int i = from;
        int digits = 0;
        while (i < to && Character.isDigit(at(i)) && digits < 18) {
            v = v * 10 + (at(i) - '0');
            i++;
            digits++;
        }
        if (i < to && (at(i) == '.' || at(i) == ',')) { // some locales print cpu=4,61ms
            i++;
            double scale = 0.1;
            while (i < to && Character.isDigit(at(i))) {
                v += (at(i) - '0') * scale;
                scale /= 10;
                i++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i + 2 <= to && startsWith("ms", i)) {
            return v;
        }
        if (i < to && at(i) == 's') {
            return v * 1000.0;
        }
        return v * defaultUnitMillis;
    }
    // ---- byte access: the text is UTF-8, every character the parser tests is ASCII ----

    private char at(int i) {
        return (char) (b[i] & 0xFF);
    }

    private boolean startsWith(String literal, int p) {
        int n = literal.length();
        if (p < 0 || p + n > end) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[p + k] != literal.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private String str(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** The next '\n' at or after {@code from}, eight bytes at a time; -1 when there is none before the end. */
    private int newline(int from) {
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS; // the lowest set high bit marks the first '\n'
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(String s, int from, int to) {
        int last = to - s.length();
        char first = s.charAt(0);
        for (int i = Math.max(0, from); i <= last; i++) {
            if (b[i] == first && startsWith(s, i)) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(char c, int from, int to) {
        for (int i = to - 1; i >= from && i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
