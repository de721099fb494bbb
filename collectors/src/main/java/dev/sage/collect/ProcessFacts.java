package dev.sage.collect;

import dev.sage.parse.ProcessStatusParser;
import dev.sage.snapshot.ProcessStatus;

import java.util.List;

/**
 * What Sage learns about the JVM's process before it attaches, in one exec of a fixed shell script (the pid
 * is its only argument, never spliced into the script): {@code /proc/<pid>/status}, whether libjvm is mapped,
 * the executable, the jcmd beside it and on the PATH, jattach, and the cgroup memory files.
 *
 * @param status the process status, or null when the process does not exist
 * @param statusText the status as read, for the snapshot
 * @param jvm whether libjvm is mapped into the process (so attaching cannot signal a non-JVM to death):
 *     {@code yes}, {@code no}, or {@code unknown} when the process's memory map cannot be read
 * @param attachSocket whether the JVM's attach listener already runs ({@code .java_pid<pid>} exists)
 * @param exe the process's executable, or empty
 * @param jcmdBesideJvm the jcmd of the JVM's own JDK, or empty
 * @param jcmdOnPath the jcmd on the PATH, or empty
 * @param jattach jattach on the PATH, or empty
 * @param cgroupText the cgroup memory files as {@code head} printed them, or empty when none was found
 * @param ownUid the uid commands run as where the transport runs them, or -1
 */
public record ProcessFacts(ProcessStatus status, String statusText, String jvm, boolean attachSocket, String exe,
                           String jcmdBesideJvm, String jcmdOnPath, String jattach, String cgroupText, long ownUid) {

    /**
     * A shell function printing the facts of the process whose pid is its argument. Each part is announced by a
     * {@code ==> NAME <==} line.
     */
    private static final String FACTS_FUNCTION = String.join("\n",
            "facts() {",
            "p=\"$1\"",
            "[ -r \"/proc/$p/status\" ] || { echo '==> gone <=='; return 0; }",
            "echo '==> status <=='; cat \"/proc/$p/status\"",
            "echo '==> jvm <=='; grep -qs 'libjvm' \"/proc/$p/maps\"; case $? in 0) echo yes;; 1) echo no;; *) echo unknown;; esac",
            "echo '==> attach <=='; for d in \"/proc/$p/root/tmp\" /tmp; do [ -S \"$d/.java_pid$p\" ] && echo yes && break; done",
            "e=$(readlink \"/proc/$p/exe\" 2>/dev/null); case \"$e\" in *\"\n\"*) e=;; esac; echo '==> exe <=='; echo \"$e\"",
            "echo '==> jcmd <=='; j=\"${e%/*}/jcmd\"; if [ -n \"$e\" ] && [ -x \"$j\" ]; then echo \"$j\"; fi",
            "echo '==> path-jcmd <=='; command -v jcmd || true",
            "echo '==> jattach <=='; command -v jattach || true",
            "c=$(sed -n 's/^0:://p' \"/proc/$p/cgroup\" 2>/dev/null)",
            "if [ -n \"$c\" ] && [ -f \"/sys/fs/cgroup$c/memory.max\" ]; then d=\"/sys/fs/cgroup$c\"; "
                    + "echo '==> cgroup <=='; head -n 200 \"$d/memory.max\" \"$d/memory.current\" \"$d/memory.stat\" 2>/dev/null; "
                    + "else m=$(sed -n 's/^[0-9]*:[^:]*memory[^:]*://p' \"/proc/$p/cgroup\" 2>/dev/null); "
                    + "d=\"/sys/fs/cgroup/memory$m\"; [ -d \"$d\" ] || d=/sys/fs/cgroup/memory; "
                    + "if [ -f \"$d/memory.limit_in_bytes\" ]; then echo '==> cgroup <=='; "
                    + "head -n 200 \"$d/memory.limit_in_bytes\" \"$d/memory.usage_in_bytes\" \"$d/memory.stat\" 2>/dev/null; fi; fi",
            "}",
            "echo '==> me <=='; id -u",
            "");

    /** The facts of one process; {@code $1} is the pid. */
    static final String SCRIPT = FACTS_FUNCTION + "facts \"$1\"\n";

    /**
     * The facts of every JVM: each process mapping libjvm (or, when its map is unreadable, whose program is named
     * java) is announced by {@code ==> process PID <==} and its command line, then its facts. No argument.
     */
    static final String SURVEY = FACTS_FUNCTION + String.join("\n",
            // $1, when given, is the one process to look at (/proc/PID): a request that names its pid needs no survey
            "for d in ${1:-/proc/[0-9]*}; do",
            "q=\"${d#/proc/}\"; [ \"$q\" = \"$$\" ] && continue",
            "grep -qs libjvm \"$d/maps\"; r=$?",
            "if [ $r = 0 ] || { [ $r -gt 1 ] && head -c 4096 \"$d/cmdline\" 2>/dev/null | tr '\\000' '\\n' | head -n 1 | grep -q 'java$'; }; then",
            "echo \"==> process $q <==\"; head -c 4096 \"$d/cmdline\" 2>/dev/null | tr '\\000\\n\\r' '   '; echo",
            "facts \"$q\"",
            "fi",
            "done",
            "");

    /** The same facts with jattach at {@code path} (e.g. a copy Sage put in the container). */
    public ProcessFacts withJattach(String path) {
        return new ProcessFacts(status, statusText, jvm, attachSocket, exe, jcmdBesideJvm, jcmdOnPath, path, cgroupText, ownUid);
    }

    /** The argv that runs the script for {@code pid}. */
    static List<String> argv(long pid) {
        return List.of("sh", "-c", SCRIPT, "sage-facts", Long.toString(pid));
    }

    /** The argv that surveys every JVM where the commands run. */
    static List<String> surveyArgv() {
        return List.of("sh", "-c", SURVEY, "sage-survey");
    }

    /** The argv that surveys the process {@code pid} alone, as {@link #surveyArgv()} would report it. */
    static List<String> surveyArgv(long pid) {
        return List.of("sh", "-c", SURVEY, "sage-survey", "/proc/" + pid);
    }

    /** A JVM the survey found: its pid, its command line (never shown: it may hold secrets) and its facts. */
    record Surveyed(long pid, String commandLine, ProcessFacts facts) {
    }

    /** Reads the survey's output. Pure. */
    static List<Surveyed> parseSurvey(String output) {
        List<Surveyed> found = new java.util.ArrayList<>();
        String[] chunks = output.split("(?m)^(?===> process \\d{1,10} <==$)");
        String me = "";
        for (String chunk : chunks) {
            if (!chunk.startsWith("==> process ")) {
                int at = chunk.indexOf("==> me <==");
                me = at < 0 ? "" : chunk.substring(at);
                continue;
            }
            int eol = chunk.indexOf('\n');
            int eol2 = eol < 0 ? -1 : chunk.indexOf('\n', eol + 1);
            if (eol2 < 0) {
                continue; // cut off before its facts
            }
            long pid = Long.parseLong(chunk.substring("==> process ".length(), eol - " <==".length()));
            String cmdline = chunk.substring(eol + 1, eol2).strip();
            ProcessFacts facts = parse(me + "\n" + chunk.substring(eol2 + 1));
            if (facts.status() != null) {
                found.add(new Surveyed(pid, cmdline, facts));
            }
        }
        return found;
    }

    /** Reads the script's output. Pure. */
    static ProcessFacts parse(String output) {
        java.util.Map<String, StringBuilder> parts = new java.util.LinkedHashMap<>();
        StringBuilder current = null;
        boolean repeated = false;
        for (String line : output.split("\n", -1)) {
            if (isPart(line)) {
                current = new StringBuilder();
                repeated |= parts.put(line.substring(4, line.length() - 4), current) != null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (parts.containsKey("gone") || !parts.containsKey("status")) {
            return new ProcessFacts(null, "", "unknown", false, "", "", "", "", "", uid(value(parts, "me")));
        }
        String statusText = parts.get("status").toString();
        ProcessStatus status;
        try {
            status = ProcessStatusParser.parse(statusText);
        } catch (dev.sage.parse.CaptureFormatException e) {
            // the process exited between the listing and the read of its status (it left nothing to read): gone
            return new ProcessFacts(null, "", "unknown", false, "", "", "", "", "", uid(value(parts, "me")));
        }
        if (repeated) {
            // a name or path printed with a line break forged a part: trust nothing but that the process exists
            return new ProcessFacts(status, statusText, "unknown", false, "", "", "", "", "", uid(value(parts, "me")));
        }
        return new ProcessFacts(status, statusText, value(parts, "jvm"), "yes".equals(value(parts, "attach")),
                value(parts, "exe"), value(parts, "jcmd"), value(parts, "path-jcmd"), value(parts, "jattach"),
                parts.containsKey("cgroup") ? parts.get("cgroup").toString() : "", uid(value(parts, "me")));
    }

    private static long uid(String s) {
        return s.matches("\\d{1,10}") ? Long.parseLong(s) : -1;
    }

    private static final List<String> PARTS = List.of("me", "gone", "status", "jvm", "attach", "exe", "jcmd", "path-jcmd",
            "jattach", "cgroup");

    private static boolean isPart(String line) {
        return line.startsWith("==> ") && line.endsWith(" <==") && PARTS.contains(line.substring(4, line.length() - 4));
    }

    private static String value(java.util.Map<String, StringBuilder> parts, String name) {
        StringBuilder b = parts.get(name);
        return b == null ? "" : b.toString().strip();
    }
}
