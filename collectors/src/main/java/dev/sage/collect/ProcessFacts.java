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

    /** The script; {@code $1} is the pid. Each part is announced by a {@code ==> NAME <==} line. */
    static final String SCRIPT = String.join("\n",
            "p=\"$1\"",
            "echo '==> me <=='; id -u",
            "[ -r \"/proc/$p/status\" ] || { echo '==> gone <=='; exit 0; }",
            "echo '==> status <=='; cat \"/proc/$p/status\"",
            "echo '==> jvm <=='; grep -qs 'libjvm' \"/proc/$p/maps\"; case $? in 0) echo yes;; 1) echo no;; *) echo unknown;; esac",
            "echo '==> attach <=='; for d in \"/proc/$p/root/tmp\" /tmp; do [ -S \"$d/.java_pid$p\" ] && echo yes && break; done",
            "e=$(readlink \"/proc/$p/exe\" 2>/dev/null); echo '==> exe <=='; echo \"$e\"",
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
            "");

    /** The argv that runs the script for {@code pid}. */
    static List<String> argv(long pid) {
        return List.of("sh", "-c", SCRIPT, "sage-facts", Long.toString(pid));
    }

    /** Reads the script's output. Pure. */
    static ProcessFacts parse(String output) {
        java.util.Map<String, StringBuilder> parts = new java.util.LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : output.split("\n", -1)) {
            if (isPart(line)) {
                current = new StringBuilder();
                parts.put(line.substring(4, line.length() - 4), current);
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (parts.containsKey("gone") || !parts.containsKey("status")) {
            return new ProcessFacts(null, "", "unknown", false, "", "", "", "", "", uid(value(parts, "me")));
        }
        String statusText = parts.get("status").toString();
        ProcessStatus status = ProcessStatusParser.parse(statusText);
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
