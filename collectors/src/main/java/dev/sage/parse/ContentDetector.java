package dev.sage.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells which kinds of capture a text holds, and where each starts and ends, from the content alone (file
 * names are never consulted). One pass over the lines; inside a thread dump, frames and thread headers are
 * passed over on their first character, so a 7 MB dump is scanned at memory speed. A capture runs from its
 * first line to the line that starts the next one: lines between (a log line after a dump) fall in the
 * capture before them, whose parser skips what it does not know.
 *
 * <p>Recognised: HotSpot thread dumps (jstack, jcmd, kill -3 into a log, several per file), Thread.dump_to_file
 * text and JSON, class histograms, GC.heap_info and the Heap section of JDK 8 dumps, NMT summaries and diffs,
 * VM.version, VM.flags, VM.uptime, PerfCounter.print, GC.finalizer_info, /proc/pid/status, cgroup memory files, jcmd's own answers (errors, the JVM
 * list, help), shell transcripts ({@code $ jcmd ...} lines separate the answers), and the vendor formats
 * OpenJ9 javacore and JRockit, which are recognised but not read.
 */
public final class ContentDetector {
    private ContentDetector() {}

    /** The kind of the first capture in the text, or null when the text holds none Sage knows. */
    public static Kind detect(String text) {
        List<Section> sections = sections(text);
        for (Section s : sections) {
            if (s.kind().diagnostic()) {
                return s.kind();
            }
        }
        return sections.isEmpty() ? null : sections.get(0).kind();
    }

    /** Every capture in the text, in order. Text before the first capture (log lines, comments) belongs to none. */
    public static List<Section> sections(String text) {
        return new Scan(text).run();
    }

    private static final class Scan {
        final String text;
        final List<Section> out = new ArrayList<>();
        Kind kind;
        int start;
        int startLine;
        long pid = -1;

        long pendingPid = -1;
        int pendingStart = -1;
        int pendingLine;
        int timestampStart = -1;
        int timestampLine;
        /** The next non-blank line opens a jcmd answer: after a {@code <pid>:} line, a {@code $ } line, or at the top. */
        boolean answerStart = true;
        /** The current thread dump printed its {@code JNI global refs} line: a thread header after it is another dump. */
        boolean dumpEnded;
        /** The current heap section already has its first heap line: another such line is another GC.heap_info. */
        boolean heapLineSeen;

        Scan(String text) {
            this.text = text;
        }

        List<Section> run() {
            int pos = 0;
            int lineNo = 0;
            int n = text.length();
            while (pos < n) {
                int nl = text.indexOf('\n', pos);
                int lineEnd = nl < 0 ? n : nl;
                int next = nl < 0 ? n : nl + 1;
                int e = lineEnd > pos && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
                lineNo++;
                if (line(pos, e, next, lineNo)) {
                    // the current capture takes the rest of the text
                    pos = n;
                    break;
                }
                pos = next;
            }
            close(n);
            return out;
        }

        /** Handles one line; returns true when the current capture absorbs the rest of the text. */
        boolean line(int from, int to, int next, int lineNo) {
            if (from == to) {
                return false;
            }
            char c0 = text.charAt(from);
            // The bulk of a thread dump: frames and thread headers never start another capture.
            if (c0 == '\t' || (c0 == '"' && kind == Kind.THREAD_DUMP && !dumpEnded)) {
                answerStart = false;
                timestampStart = -1;
                return false;
            }
            int p = from;
            while (p < to && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            if (p == to) {
                return false;
            }
            if (p == from) {
                if (text.charAt(to - 1) == ':' && to - from <= 11 && Lines.isPidLine(text.substring(from, to))) {
                    close(from);
                    pendingPid = Long.parseLong(text.substring(from, to - 1));
                    pendingStart = from;
                    pendingLine = lineNo;
                    answerStart = true;
                    return false;
                }
                if (c0 == '$' && to > from + 1 && text.charAt(from + 1) == ' ') {
                    close(from);
                    clearPending();
                    answerStart = true;
                    return false;
                }
                if (c0 == '#' && to > from + 1 && text.charAt(from + 1) == ' ' && kind != Kind.THREAD_DUMP) {
                    close(from);
                    clearPending();
                    return false;
                }
                if (isTimestamp(from, to)) {
                    timestampStart = from;
                    timestampLine = lineNo;
                    return false;
                }
                if (isBareNumber(from, to) && isIsoTimestamp(next)) {
                    // Thread.dump_to_file text: pid, ISO time, version, then "#N "name"" stanzas
                    open(Kind.THREAD_DUMP, from, lineNo, Long.parseLong(text.substring(from, to)));
                    return false;
                }
            }
            if (kind == Kind.THREAD_DUMP && p == from && c0 == 'J' && text.startsWith("JNI global ref", p)) {
                dumpEnded = true;
            }
            Kind k = starter(p, to, from);
            boolean wasAnswerStart = answerStart;
            answerStart = false;
            if (k == null && wasAnswerStart && kind == null) {
                k = answerKind(p, to);
            }
            if (k == null) {
                timestampStart = -1;
                return false;
            }
            if (kind != null && continues(kind, k, p)) {
                return false;
            }
            int s = from;
            int sl = lineNo;
            long sectionPid = -1;
            if (pendingStart >= 0) {
                s = pendingStart;
                sl = pendingLine;
                sectionPid = pendingPid;
            } else if (timestampStart >= 0 && k == Kind.THREAD_DUMP) {
                s = timestampStart;
                sl = timestampLine;
            }
            close(s);
            open(k, s, sl, sectionPid);
            return k == Kind.OPENJ9_JAVACORE || k == Kind.JROCKIT_THREAD_DUMP || k == Kind.THREAD_DUMP_JSON;
        }

        void open(Kind k, int s, int line, long sectionPid) {
            close(s);
            dumpEnded = false;
            heapLineSeen = k == Kind.HEAP_INFO && !text.startsWith("Heap", firstNonBlank(s));
            kind = k;
            start = s;
            startLine = line;
            pid = sectionPid;
            clearPending();
        }

        void close(int end) {
            if (kind != null) {
                out.add(new Section(kind, start, Math.max(start, end), startLine, pid));
                kind = null;
            }
        }

        void clearPending() {
            pendingPid = -1;
            pendingStart = -1;
            timestampStart = -1;
        }

        /**
         * Whether a starter line of kind {@code k} at {@code p} extends the current capture rather than start
         * another: the later generations of one heap summary, the files of one cgroup listing.
         */
        boolean continues(Kind current, Kind k, int p) {
            if (current != k) {
                return false;
            }
            if (k == Kind.CGROUP_MEMORY) {
                return true;
            }
            if (k == Kind.HEAP_INFO) {
                boolean first = isFirstHeapLine(p);
                if (first && heapLineSeen) {
                    return false; // a second GC.heap_info
                }
                heapLineSeen |= first;
                return true;
            }
            return false;
        }

        /** The line a heap summary starts with (as opposed to its later generations and Metaspace). */
        boolean isFirstHeapLine(int p) {
            return text.startsWith("garbage-first heap", p) || text.startsWith("PSYoungGen", p)
                    || text.startsWith("def new generation", p) || text.startsWith("DefNew ", p)
                    || text.startsWith("par new generation", p) || text.startsWith("ZHeap", p)
                    || text.startsWith("Shenandoah Heap", p) || text.startsWith("Epsilon Heap", p);
        }

        int firstNonBlank(int from) {
            int i = from;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
                    || text.charAt(i) == '\r' || Character.isDigit(text.charAt(i)) || text.charAt(i) == ':')) {
                i++;
            }
            return i;
        }

        /** The kind a line starts wherever it appears, or null. {@code p} is its first non-blank character. */
        Kind starter(int p, int to, int from) {
            char c = text.charAt(p);
            switch (c) {
                case 'F':
                    if (text.startsWith("Full thread dump", p)) return Kind.THREAD_DUMP;
                    if (p == from && text.startsWith("Finalization is disabled", p)) return Kind.FINALIZER_INFO;
                    break;
                case '"':
                    // a thread stanza with no "Full thread dump" line before it (a pasted excerpt, or the next
                    // dump after a JNI refs line)
                    if (p == from && (kind == null || dumpEnded) && looksLikeThreadHeader(p, to)) return Kind.THREAD_DUMP;
                    break;
                case '#':
                    if (p == from && kind == null && p + 1 < to && Character.isDigit(text.charAt(p + 1))
                            && regionHas(p, to, " \"")) {
                        return Kind.THREAD_DUMP;
                    }
                    break;
                case '=':
                    if (text.startsWith("===== FULL THREAD DUMP", p)) return Kind.JROCKIT_THREAD_DUMP;
                    if (text.startsWith("==> ", p) && regionHas(p, to, "memory.") && text.startsWith(" <==", to - 4)) {
                        return Kind.CGROUP_MEMORY;
                    }
                    break;
                case '0':
                    if (p == from && text.startsWith("0SECTION", p)) return Kind.OPENJ9_JAVACORE;
                    break;
                case 'n':
                    if (text.startsWith("num", p) && regionHas(p, to, "#instances")) return Kind.CLASS_HISTOGRAM;
                    break;
                case 'H':
                    if (to - p == 4 && text.startsWith("Heap", p)) return Kind.HEAP_INFO;
                    break;
                case 'g':
                    if (text.startsWith("garbage-first heap", p)) return Kind.HEAP_INFO;
                    break;
                case 'P':
                    if (text.startsWith("PSYoungGen", p) || text.startsWith("PSOldGen", p) || text.startsWith("PSPermGen", p)) {
                        return Kind.HEAP_INFO;
                    }
                    break;
                case 'D':
                    if (text.startsWith("DefNew ", p)) return Kind.HEAP_INFO;
                    break;
                case 'd':
                    if (text.startsWith("def new generation", p)) return Kind.HEAP_INFO;
                    break;
                case 'p':
                    if (text.startsWith("par new generation", p)) return Kind.HEAP_INFO;
                    break;
                case 'c':
                    if (text.startsWith("concurrent mark-sweep generation", p)
                            || text.startsWith("concurrent-mark-sweep perm gen", p)) {
                        return Kind.HEAP_INFO;
                    }
                    break;
                case 't':
                    if (text.startsWith("tenured generation", p)) return Kind.HEAP_INFO;
                    break;
                case 'T':
                    if (text.startsWith("Tenured ", p) && regionHas(p, to, "total ")) return Kind.HEAP_INFO;
                    if (text.startsWith("The following commands are available", p)) return Kind.JCMD_HELP;
                    break;
                case 'Z':
                    if (text.startsWith("ZHeap", p)) return Kind.HEAP_INFO;
                    break;
                case 'S':
                    if (text.startsWith("Shenandoah Heap", p)) return Kind.HEAP_INFO;
                    break;
                case 'E':
                    if (text.startsWith("Epsilon Heap", p)) return Kind.HEAP_INFO;
                    break;
                case 'M':
                    if (text.startsWith("Metaspace ", p) && regionHas(p, to, "used ")) return Kind.HEAP_INFO;
                    break;
                case 'U':
                    if (text.startsWith("Unreachable instances waiting for finalization", p)) return Kind.FINALIZER_INFO;
                    break;
                case 'N':
                    if (text.startsWith("No instances waiting for finalization", p)) return Kind.FINALIZER_INFO;
                    if (text.startsWith("Native Memory Tracking:", p)
                            || text.startsWith("Native memory tracking is not enabled", p)) {
                        return Kind.NATIVE_MEMORY;
                    }
                    if (p == from && text.startsWith("Name:", p) && to > p + 5
                            && (text.charAt(p + 5) == '\t' || text.charAt(p + 5) == ' ')) {
                        return Kind.PROCESS_STATUS;
                    }
                    break;
                case '-':
                    if (p == from && text.startsWith("-XX:", p)) return Kind.VM_FLAGS;
                    break;
                case '[':
                    if (p == from && text.startsWith("[Global flags]", p)) return Kind.VM_FLAGS;
                    break;
                case '{':
                    if (kind == null && regionHas(p, Math.min(text.length(), p + 4096), "\"threadDump\"")) {
                        return Kind.THREAD_DUMP_JSON;
                    }
                    break;
                default:
                    break;
            }
            if (kind != Kind.THREAD_DUMP && regionHas(p, to, " VM version ")) {
                return Kind.VM_VERSION;
            }
            return null;
        }

        /** The kind of the first line of a jcmd answer, for answers that have no distinctive starter. */
        Kind answerKind(int p, int to) {
            String line = text.substring(p, to).strip();
            if (JcmdErrors.isExceptionLine(line)) return Kind.JCMD_ERROR;
            if (line.matches("\\d+(\\.\\d+)? s")) return Kind.VM_UPTIME;
            if (line.matches("(sun|java|com\\.sun)\\.[\\w.$-]+=.*")) return Kind.PERF_COUNTERS;
            if (line.matches("\\d+ [A-Za-z_$][\\w.$/-]*( .*)?")) return Kind.JVM_LIST;
            if (line.matches("(anon|cache|rss|file) \\d+")) return Kind.CGROUP_MEMORY;
            if (pendingStart >= 0) return Kind.JCMD_OTHER; // some other answer after "<pid>:"
            return null;
        }


        /**
         * A thread stanza's first line: a quoted name followed by the JVM's fields. One field alone (a log line such as
         * {@code "GET /x" tid=42 took 3 ms}) is a header only when the next line continues a stanza (its state, a
         * frame, a lock), so that a stray line in a log is not read as a dump whatever surrounds it.
         */
        boolean looksLikeThreadHeader(int p, int to) {
            int q = Region.indexOf(text, '"', p + 1, to);
            if (q < 0) {
                return false;
            }
            int fields = (regionHas(q, to, "prio=") ? 1 : 0) + (regionHas(q, to, "tid=") ? 1 : 0)
                    + (regionHas(q, to, "nid=") ? 1 : 0) + (regionHas(q, to, " id=") ? 1 : 0) + (regionHas(q, to, "t@") ? 1 : 0);
            return fields >= 2 || fields == 1 && nextLineContinuesStanza(to);
        }

        private boolean nextLineContinuesStanza(int lineEnd) {
            int p = lineEnd + 1;
            if (p >= text.length()) {
                return false;
            }
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            return text.startsWith("java.lang.Thread.State:", p) || text.startsWith("at ", p) || text.startsWith("- ", p)
                    || text.startsWith("Locked ", p);
        }

        boolean regionHas(int from, int to, String s) {
            return Region.indexOf(text, s, from, to) >= 0;
        }

        boolean isTimestamp(int from, int to) {
            // 2026-12-02 00:34:55
            return to - from == 19 && Character.isDigit(text.charAt(from)) && text.charAt(from + 4) == '-'
                    && text.charAt(from + 7) == '-' && text.charAt(from + 10) == ' ' && text.charAt(from + 13) == ':';
        }

        boolean isBareNumber(int from, int to) {
            if (to - from > 10) {
                return false;
            }
            for (int i = from; i < to; i++) {
                if (!Character.isDigit(text.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        boolean isIsoTimestamp(int from) {
            // 2026-12-02T03:12:57.812525463Z
            return from + 20 <= text.length() && Character.isDigit(text.charAt(from)) && text.charAt(from + 4) == '-'
                    && text.charAt(from + 7) == '-' && text.charAt(from + 10) == 'T' && text.charAt(from + 13) == ':';
        }
    }
}
