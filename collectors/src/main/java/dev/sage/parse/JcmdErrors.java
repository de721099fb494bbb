package dev.sage.parse;

import java.util.List;

/**
 * Explains jcmd's error answers (an exception printed after {@code <pid>:}) in words an SRE can act on.
 * The exit code of jcmd is no guide (NMT off exits 0, a bad pid exits 1): the text is.
 */
public final class JcmdErrors {
    private JcmdErrors() {}

    /** One sentence saying what went wrong and what to do, for the text of a jcmd error answer. */
    public static String explain(String text) {
        return explain(text, -1);
    }

    /**
     * The same, knowing the uid the JVM runs as (or -1): an attach socket owned by another uid was left by a dead
     * process that had the JVM's pid, and running as its owner would not help.
     */
    public static String explain(String text, long jvmUid) {
        String first = "";
        String pid = "";
        for (String line : Lines.of(text)) {
            String s = line.strip();
            if (Lines.isPidLine(s)) {
                pid = s.substring(0, s.length() - 1);
                continue;
            }
            if (!s.isEmpty()) {
                first = s;
                break;
            }
        }
        String who = pid.isEmpty() ? "the JVM" : "JVM " + pid;
        if (first.contains("No such process") || first.contains("non existent JVM pid")) {
            return "no JVM is running with pid " + (pid.isEmpty() ? "given" : pid) + " (" + first + ")";
        }
        if (first.contains("doesn't respond within") || first.contains("does not respond within")) {
            return who + " did not answer the attach request in time: it may be out of memory (its attach"
                    + " listener could not start), frozen in a long pause, or stopped: " + first;
        }
        if (first.contains("AttachNotSupportedException")) {
            return who + " does not accept attach (it runs with -XX:+DisableAttachMechanism, or is not a HotSpot JVM): "
                    + first;
        }
        if (first.contains("is not secure") || first.contains("Operation not permitted")
                || first.contains("Permission denied")) {
            String owner = ownerUid(first);
            if (jvmUid >= 0 && !owner.isEmpty() && !owner.equals(Long.toString(jvmUid))) {
                String socket = first.replaceFirst("^.*well-known file (\\S+) is not secure.*$", "$1");
                return "jcmd was refused by " + who + ": its attach socket " + (socket.equals(first) ? "" : socket + " ")
                        + "belongs to uid " + owner + ", not to the JVM's uid " + jvmUid + ", so it was left by a"
                        + " process that had this pid before. Remove it and try again: the JVM makes a new one ("
                        + first + ")";
            }
            return "jcmd was refused by " + who + ": attach must run as the JVM's own user"
                    + (owner.isEmpty() ? "" : " (uid " + owner + ")") + ", or as root (" + first + ")";
        }
        if (first.contains("Unknown diagnostic command")) {
            return who + " does not know this jcmd command (the JVM is older than the command): " + first;
        }
        if (first.contains("Connection refused") || first.contains("Unable to open socket")) {
            return who + " did not answer the attach request (it may be busy in a long pause, or its /tmp is not"
                    + " shared with jcmd): " + first;
        }
        return "jcmd failed on " + who + ": " + first;
    }

    /** True for {@code java.io.IOException: ...} and its kin: the first line of jcmd's error answers. */
    public static boolean isExceptionLine(String line) {
        int colon = line.indexOf(':');
        String head = colon < 0 ? line : line.substring(0, colon);
        return (head.endsWith("Exception") || head.endsWith("Error")) && head.indexOf('.') > 0
                && head.chars().noneMatch(ch -> ch == ' ');
    }

    private static String ownerUid(String line) {
        int at = line.indexOf("is owned by ");
        if (at < 0) {
            return "";
        }
        List<String> words = List.of(line.substring(at + "is owned by ".length()).split("\\D+"));
        return words.isEmpty() ? "" : words.get(0);
    }
}
