package dev.sage.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockAction;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.StackFrame;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code jcmd Thread.dump_to_file -format=json} (JDK 21+): every thread container, platform and
 * virtual threads alike. Pure.
 */
public final class ThreadDumpJsonParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ThreadDumpJsonParser() {}

    /** The {@code runtimeVersion} and {@code processId} of the dump, with its threads. */
    public record Result(ThreadDump dump, String runtimeVersion, long processId) {}

    public static Result parse(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            List<String> lines = Lines.of(text);
            String shown = line > 0 && line <= lines.size() ? lines.get(line - 1) : "";
            throw new CaptureFormatException(line, shown, "not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode dump = root == null ? null : root.get("threadDump");
        if (dump == null || !dump.isObject()) {
            throw new CaptureFormatException(1, Lines.of(text).isEmpty() ? "" : Lines.of(text).get(0),
                    "not a Thread.dump_to_file JSON: no \"threadDump\" object");
        }
        List<JvmThread> threads = new ArrayList<>();
        for (JsonNode container : dump.path("threadContainers")) {
            for (JsonNode t : container.path("threads")) {
                threads.add(thread(t));
            }
        }
        long pid = -1;
        try {
            pid = Long.parseLong(dump.path("processId").asText("-1"));
        } catch (NumberFormatException ignored) {
            // not a number: leave unknown
        }
        ThreadDump td = new ThreadDump(dump.path("time").asText(""), dump.path("runtimeVersion").asText(""),
                threads, List.of(), false);
        return new Result(td, dump.path("runtimeVersion").asText(""), pid);
    }

    private static JvmThread thread(JsonNode t) {
        List<StackFrame> frames = new ArrayList<>();
        for (JsonNode f : t.path("stack")) {
            frames.add(new StackFrame(f.asText()));
        }
        List<LockAction> locks = new ArrayList<>();
        for (JsonNode owned : t.path("monitorsOwned")) {
            int depth = owned.path("depth").asInt(-1);
            for (JsonNode l : owned.path("locks")) {
                if (!l.isNull()) {
                    locks.add(new LockAction(LockAction.Kind.LOCKED, ref(l.asText()), depth));
                }
            }
        }
        if (t.hasNonNull("blockedOn")) {
            locks.add(new LockAction(LockAction.Kind.WAITING_TO_LOCK, ref(t.get("blockedOn").asText()), 0));
        }
        if (t.hasNonNull("waitingOn")) {
            locks.add(new LockAction(LockAction.Kind.WAITING_ON, ref(t.get("waitingOn").asText()), 0));
        }
        JsonNode park = t.get("parkBlocker");
        if (park != null && !park.isNull()) {
            String obj = park.isObject() ? park.path("object").asText("") : park.asText("");
            if (!obj.isEmpty()) {
                locks.add(new LockAction(LockAction.Kind.PARKED_ON, ref(obj), 0));
            }
        }
        long tid = -1;
        try {
            tid = Long.parseLong(t.path("tid").asText("-1"));
        } catch (NumberFormatException ignored) {
            // leave unknown
        }
        ThreadState state = ThreadState.of(t.path("state").asText(""));
        return new JvmThread(t.path("name").asText(""), tid, false, t.path("virtual").asBoolean(false), -1, state,
                "", null, null, -1, frames, locks, List.of(), null);
    }

    private static LockRef ref(String s) {
        int at = s.lastIndexOf('@');
        return at > 0 ? new LockRef(s.substring(at + 1), s.substring(0, at)) : new LockRef(s, "");
    }
}
