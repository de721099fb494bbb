package dev.sage.collect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Several jcmd commands in one attach ({@code jcmd PID -f FILE}) and the reliable split of their answers.
 *
 * <p>jcmd prints the answers one after the other with no separator, so the batch puts a marker command
 * before, between and after them: {@code help VM.version}, whose answer is fixed text. The first answer in
 * the output is that marker's text, learnt from the output itself, so the split holds on every JDK. A
 * command jcmd does not know ends the batch early (jcmd stops at it): the split then says how many
 * commands answered, and the caller runs the rest again. Pure.
 */
public final class JcmdBatch {
    static final String MARKER_COMMAND = "help VM.version";

    private JcmdBatch() {}

    /** The text to feed jcmd {@code -f}: marker, command, marker, command, ..., marker. */
    public static byte[] script(List<JcmdCommand> commands) {
        StringBuilder sb = new StringBuilder(MARKER_COMMAND).append('\n');
        for (JcmdCommand c : commands) {
            sb.append(c.command()).append('\n').append(MARKER_COMMAND).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The split of a batch's output.
     *
     * @param pid the pid jcmd printed first ({@code 2402:}), or -1
     * @param answers the answers of the commands that completed, in order (each without the marker)
     * @param failedAnswer the text printed by the command that stopped the batch, or null when all completed
     * @param preamble what came before the first marker when no marker came at all (an attach error), else empty
     */
    public record Split(long pid, List<String> answers, String failedAnswer, String preamble) {
        public Split {
            answers = List.copyOf(answers);
        }

        /** True when every command answered. */
        public boolean complete(int commands) {
            return failedAnswer == null && answers.size() == commands;
        }
    }

    /** Splits the output of {@link #script} for {@code commands} commands. */
    public static Split split(String output, int commands) {
        String text = output.replace("\r\n", "\n");
        long pid = -1;
        int start = 0;
        int firstNl = text.indexOf('\n');
        if (firstNl > 0 && text.charAt(firstNl - 1) == ':' && text.substring(0, firstNl - 1).chars().allMatch(Character::isDigit)
                && firstNl - 1 <= 10) {
            pid = Long.parseLong(text.substring(0, firstNl - 1));
            start = firstNl + 1;
        }
        String marker = learnMarker(text, start);
        if (marker == null) {
            return new Split(pid, List.of(), null, text.substring(start));
        }
        List<String> answers = new ArrayList<>();
        int pos = start + marker.length();
        while (answers.size() < commands) {
            int next = text.indexOf(marker, pos);
            if (next < 0) {
                return new Split(pid, answers, text.substring(pos), "");
            }
            answers.add(text.substring(pos, next));
            pos = next + marker.length();
        }
        return new Split(pid, answers, null, "");
    }

    /** The marker's answer: from its first line through its {@code Syntax} line, or null when absent. */
    private static String learnMarker(String text, int start) {
        int begin = text.indexOf("VM.version\nPrint JVM version information.", start);
        if (begin != start) {
            return null; // nothing may come before the first marker: a failed attach answers without it
        }
        int syntax = text.indexOf("\nSyntax", start);
        if (syntax < 0) {
            return null;
        }
        int end = text.indexOf('\n', syntax + 1);
        return end < 0 ? text.substring(start) : text.substring(start, end + 1);
    }
}
