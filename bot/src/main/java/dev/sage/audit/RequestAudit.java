package dev.sage.audit;

import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecAudit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit of one request: who asked, where, for what target; each command Sage runs for it is written before it
 * runs ({@code command}) and again with its outcome ({@code command_done}). Scripts are named, not copied, and a jcmd
 * batch is listed by its commands: nothing from the target (its command lines, environment, properties) is written.
 * Thread-safe.
 *
 * @param who the Slack user who asked (or clicked)
 * @param channel the channel (or direct message) it came from
 * @param thread the thread the answer goes to
 * @param target the target as asked for, e.g. {@code pod/payments-7d9f8-x2kq in prod (context default)}
 */
public record RequestAudit(AuditLog log, String who, String channel, String thread, String target) implements ExecAudit {

    /** Writes an event of this request with {@code fields} after its own. */
    public void write(String event, Map<String, ?> fields) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("user", who);
        line.put("channel", channel);
        line.put("thread", thread);
        line.put("target", target);
        line.putAll(fields);
        log.append(event, line);
    }

    @Override
    public void before(String where, List<String> argv, byte[] stdin) throws CollectionException {
        try {
            write("command", Map.of("on", where, "argv", shown(argv), "stdin", stdin(stdin)));
        } catch (IOException e) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "Sage did not run a command on " + where
                    + ": its audit (" + log.file() + ") could not be written (" + e.getMessage() + "), and it runs nothing"
                    + " off the record");
        }
    }

    @Override
    public void after(String where, List<String> argv, int exitCode, Duration took, long bytes, CollectionException failure) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("on", where);
        f.put("argv", shown(argv));
        f.put("exit", exitCode);
        f.put("millis", took.toMillis());
        f.put("bytes", bytes);
        // the kind only: a failure's message may quote what the target printed
        f.put("outcome", failure == null ? (exitCode == 0 ? "ok" : "exit " + exitCode)
                : "failed: " + failure.kind().name().toLowerCase(java.util.Locale.ROOT));
        try {
            write("command_done", f);
        } catch (IOException e) {
            // the command already ran, and its start is on record: say so in the log rather than lose the answer
            org.slf4j.LoggerFactory.getLogger(RequestAudit.class).error("audit {}: the outcome of a command on {} could not"
                    + " be written: {}", log.file(), where, e.getMessage());
        }
    }

    /** The argv with each {@code sh -c} script named by the word after it (Sage's own scripts are fixed text). */
    static List<String> shown(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0 && argv.get(i - 1).equals("-c") && argv.get(i).length() > 40) {
                out.add("<script " + argv.get(i).length() + " chars>");
            } else {
                out.add(argv.get(i));
            }
        }
        return out;
    }

    /** What went to the command's standard input: a jcmd batch's commands, else its size. */
    static Object stdin(byte[] stdin) {
        if (stdin.length == 0) {
            return "";
        }
        String text = new String(stdin, StandardCharsets.UTF_8);
        if (stdin.length < 4096 && text.startsWith("help VM.version\n")) {
            return text.lines().filter(l -> !l.equals("help VM.version")).toList();
        }
        return stdin.length + " bytes";
    }

}
