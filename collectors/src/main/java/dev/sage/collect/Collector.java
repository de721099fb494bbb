package dev.sage.collect;

import dev.sage.parse.CaptureFormatException;
import dev.sage.parse.JcmdErrors;
import dev.sage.parse.PerfDataDecoder;
import dev.sage.parse.Kind;
import dev.sage.parse.SnapshotReader;
import dev.sage.profile.ProfileReader;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.Problem;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecAudits;
import dev.sage.transport.ExecResult;
import dev.sage.transport.Transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Collects a snapshot of one JVM over a transport. Each round costs one jcmd start (all commands in one
 * attach, fed to {@code jcmd PID -f /dev/stdin}, the JVM's performance counters read in the same exec), or, on this
 * machine, no process at all: Sage attaches itself ({@link HotSpotAttach}) and reads the counters' file; and one more
 * exec for {@code /proc/<pid>/status} and the cgroup memory files. One more exec follows, only when needed: a
 * {@code Thread.print -l} when threads queue on a ReentrantLock, a {@code Thread.dump_to_file} when the JVM runs
 * virtual threads. Before the first attach it checks that the pid really is a JVM that handles SIGQUIT:
 * jcmd signals the process to start its attach listener, and that signal kills a process that does not handle
 * it. A command that fails is recorded and the others still run; a round that fails after the first keeps
 * what earlier rounds read.
 *
 * <p>Blocking; safe to use from one thread at a time per instance.
 */
public final class Collector {
    private final Transport transport;

    /**
     * What was collected and how.
     *
     * @param via the argv that reached the JVM
     * @param notes how it was reached, when that was not the JDK's own jcmd (which path, and why not the usual one)
     * @param raw the commands' answers as the JVM printed them, for attaching to a reply
     */
    public record Result(JvmSnapshot snapshot, Map<String, Duration> timings, String via, List<String> notes,
                         List<SnapshotReader.Raw> raw) {
        public Result {
            timings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
            notes = List.copyOf(notes);
            raw = List.copyOf(raw);
        }
    }

    /**
     * The attach handshake requires jcmd to run as the JVM's own user: when commands run as root, jcmd runs
     * as that user ({@code setpriv}); when they run as another user, collection stops with the uid to use.
     */
    public Collector(Transport transport) {
        this.transport = transport;
    }

    /**
     * Told of each round as soon as it is in, on the collecting thread, so that a front end can judge what one round
     * allows before the later rounds arrive. It must return quickly and not throw: a round listener's exception is
     * swallowed so that it cannot cost the collection.
     */
    @FunctionalInterface
    public interface RoundListener {
        RoundListener NONE = (round, rounds, soFar) -> {};

        /** Round {@code round} of {@code rounds} is collected; {@code soFar} holds it and every earlier round. */
        void collected(int round, int rounds, JvmSnapshot soFar);
    }

    /** Collects from the JVM with this pid, reading its process facts first. */
    public Result collect(long pid, CollectionPlan plan) throws CollectionException {
        return collect(new JvmProcess(pid, ""), plan);
    }

    /**
     * Collects from a JVM that discovery found. The facts its survey read serve the first round, so that a one-round
     * plan costs one exec more than the survey: the jcmd batch.
     */
    public Result collect(JvmProcess jvm, CollectionPlan plan) throws CollectionException {
        return collect(jvm, plan, RoundListener.NONE);
    }

    /** As {@link #collect(JvmProcess, CollectionPlan)}, telling {@code listener} of each round as it is in. */
    public Result collect(JvmProcess jvm, CollectionPlan plan, RoundListener listener) throws CollectionException {
        long pid = jvm.pid();
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        Map<String, Duration> timings = new LinkedHashMap<>();
        SnapshotReader reader = new SnapshotReader(transport.describe() + " pid " + pid);

        long t = System.nanoTime();
        ProcessFacts facts = jvm.facts();
        if (facts == null) {
            facts = facts(pid, plan);
            timings.put("process facts", since(t));
        }
        List<String> jcmd = jcmdArgv(pid, facts);
        String via = jcmd.isEmpty() ? attach(pid, facts).describe() : String.join(" ", jcmd);
        List<String> notes = new ArrayList<>();
        if (!jcmd.isEmpty() && usesJattach(facts)) {
            notes.add("jcmd is not installed on " + transport.describe() + " (the JVM at " + facts.exe() + " has no jcmd"
                    + " beside it and none is on the PATH), so Sage attached with jattach at " + facts.jattach()
                    + ", one attach per command");
        }

        ProcessFacts latest = collectRounds(reader, pid, facts, jcmd, plan, listener, timings);
        if (plan.profile().isPresent()) {
            // after the rounds: starting the recorder loads classes and leaves garbage, which in a round's histogram
            // would read as growth (or as a collected cache)
            record(reader, pid, latest, plan, timings, notes);
        }
        return new Result(reader.snapshot(), timings, via, notes, reader.raw());
    }

    /**
     * The plan's rounds, into {@code reader}; a round after the first that fails ends them, as a problem. Returns the
     * process facts the last round read.
     */
    private ProcessFacts collectRounds(SnapshotReader reader, long pid, ProcessFacts facts, List<String> jcmd, CollectionPlan plan,
                               RoundListener listener, Map<String, Duration> timings) throws CollectionException {
        long t;
        boolean virtualThreads = false;
        for (int round = 1; round <= plan.rounds(); round++) {
            if (round > 1) {
                sleep(plan.interval());
                t = System.nanoTime();
                try {
                    facts = refreshed(pid, plan, facts);
                } catch (CollectionException e) {
                    reader.problem(new Problem("round " + round, 0, "stopped: " + e.getMessage()
                            + "; kept the " + (round - 1) + " earlier round(s)"));
                    break;
                }
                timings.put("round " + round + " process facts", since(t));
                try {
                    jcmd = jcmdArgv(pid, facts); // the pid may now be another process: check it again
                } catch (CollectionException e) {
                    reader.problem(new Problem("round " + round, 0, "stopped: " + e.getMessage()
                            + "; kept the " + (round - 1) + " earlier round(s)"));
                    break;
                }
            }
            addFacts(reader, round, facts);
            int dumpsBefore = reader.threadDumpCount();
            t = System.nanoTime();
            try {
                run(reader, round, pid, facts, jcmd, plan.commands(), plan);
            } catch (CollectionException e) {
                if (round == 1) {
                    throw e;
                }
                reader.problem(new Problem("round " + round, 0, "stopped: " + e.getMessage()
                        + "; kept the " + (round - 1) + " earlier round(s)"));
                break;
            }
            timings.put("round " + round + " jcmd", since(t));
            if (round == 1 && plan.action().isPresent()) {
                runAction(reader, pid, facts, jcmd, plan, timings);
            }
            if (!virtualThreads && VirtualThreads.run(reader.snapshot())) {
                virtualThreads = true; // from now on every round takes them
            }
            if (virtualThreads) {
                t = System.nanoTime();
                takeThreadsJson(reader, round, pid, facts, plan, reader.threadDumpCount() > dumpsBefore);
                timings.put("round " + round + " Thread.dump_to_file", since(t));
            }
            try {
                listener.collected(round, plan.rounds(), reader.snapshot());
            } catch (RuntimeException e) {
                // a listener's fault must not cost the collection
            }
        }
        return facts;
    }

    /**
     * Runs the plan's action once, in an exec of its own right after round 1's commands, so that round 1 is the state
     * before it and round 2 the state after. Its answer is kept as raw ({@code round 1: System.trim_native_heap}); a JVM
     * that does not know the command, or an attach that fails, is a problem of the snapshot, not of the collection.
     * The exec's time, attach included, is recorded as {@code action COMMAND}.
     */
    private void runAction(SnapshotReader reader, long pid, ProcessFacts facts, List<String> jcmd, CollectionPlan plan,
                           Map<String, Duration> timings) {
        JcmdCommand action = plan.action().orElseThrow();
        long t = System.nanoTime();
        try {
            run(reader, 1, pid, facts, jcmd, List.of(action), plan);
        } catch (CollectionException e) {
            reader.problem(new Problem(source(1, action), 0, e.getMessage()));
        }
        timings.put("action " + action.command(), since(t));
    }

    /** Where a JVM's standard output can be read back, e.g. a container's log. */
    public interface OutputLog {
        /** What the JVM printed since {@code since} (a little earlier is fine), at most {@code cap} bytes. */
        String since(java.time.Instant since, long cap) throws CollectionException;

        /** For messages: {@code the log of container app}. */
        String describe();
    }

    /**
     * The last way to a thread dump when there is no jcmd and no jattach: SIGQUIT, which a JVM answers by printing a
     * thread dump to its standard output, read back from {@code log}. Only for a JVM that handles SIGQUIT (not started
     * with {@code -Xrs}): to any other process the signal is fatal. Gives the thread dump and the process facts only.
     */
    public Result threadDumpBySignal(JvmProcess jvm, CollectionPlan plan, OutputLog log) throws CollectionException {
        long pid = jvm.pid();
        Map<String, Duration> timings = new LinkedHashMap<>();
        long t = System.nanoTime();
        ProcessFacts facts = jvm.facts() != null ? jvm.facts() : facts(pid, plan);
        requireJvm(pid, facts, "signal");
        if (!facts.status().catchesSigquit()) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " does not handle SIGQUIT"
                    + " (started with -Xrs?): the signal would kill it, so Sage did not send it");
        }
        java.time.Instant sent = java.time.Instant.now().minusSeconds(2);
        // checked again in the same exec as the signal: the pid must still map libjvm
        ExecResult kill = transport.exec(List.of("sh", "-c", "grep -qs libjvm \"/proc/$1/maps\" && kill -QUIT \"$1\"",
                        "sage-sigquit", Long.toString(pid)),
                new byte[0], plan.timeout(), 1 << 16);
        if (kill.exitCode() != 0) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "could not send SIGQUIT to pid " + pid + ": "
                    + kill.stderr().strip());
        }
        String dump = null;
        long deadline = System.nanoTime() + Math.min(plan.timeout().toNanos(), Duration.ofSeconds(20).toNanos());
        while (dump == null && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(500));
            String text = log.since(sent, plan.outputCap());
            int at = text.lastIndexOf("Full thread dump");
            // complete once the JNI line that ends a dump has been printed after it
            if (at >= 0 && text.indexOf("JNI global ref", at) > 0) {
                int lineStart = text.lastIndexOf('\n', at) + 1;
                dump = text.substring(lineStart);
            }
        }
        if (dump == null) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "Sage sent SIGQUIT to pid " + pid + " but no"
                    + " thread dump appeared in " + log.describe() + " (does the JVM's standard output go elsewhere?)");
        }
        timings.put("SIGQUIT and " + log.describe(), since(t));
        SnapshotReader reader = new SnapshotReader(transport.describe() + " pid " + pid);
        addFacts(reader, 1, facts);
        reader.add("round 1: " + log.describe() + " after SIGQUIT", dev.sage.parse.Kind.THREAD_DUMP, dump);
        if (plan.profile().isPresent()) {
            reader.problem(new Problem("JFR recording", 0, "no profile: a recording needs jcmd or jattach, and this JVM"
                    + " was reached by a signal only"));
        }
        return new Result(reader.snapshot(), timings, "kill -QUIT " + pid, List.of("neither jcmd nor jattach is installed on "
                + transport.describe() + ", so Sage sent SIGQUIT to pid " + pid + " (it handles the signal) and read the"
                + " thread dump it printed from " + log.describe() + ": heap, class histogram and native memory need jcmd"),
                reader.raw());
    }

    /** The facts read again; a jattach found (or put there) for an earlier round is still there. */
    private ProcessFacts refreshed(long pid, CollectionPlan plan, ProcessFacts before) throws CollectionException {
        ProcessFacts now = facts(pid, plan);
        return now.jattach().isEmpty() && !before.jattach().isEmpty() ? now.withJattach(before.jattach()) : now;
    }

    private ProcessFacts facts(long pid, CollectionPlan plan) throws CollectionException {
        ExecResult r = transport.exec(ProcessFacts.argv(pid), new byte[0], plan.timeout(), 1 << 20);
        ProcessFacts facts;
        try {
            facts = ProcessFacts.parse(r.stdoutText());
        } catch (dev.sage.parse.CaptureFormatException e) {
            facts = ProcessFacts.parse("==> gone <==\n"); // it exited while the script read it
        }
        if (facts.status() == null) {
            throw new CollectionException(CollectionException.Kind.TARGET_GONE,
                    "no process with pid " + pid + " on " + transport.describe());
        }
        return facts;
    }

    /**
     * The argv of one batched jcmd run reading its commands from standard input, as the JVM's user when Sage is
     * root, after the safety checks; empty when Sage speaks the attach protocol itself (the JVM is on this machine).
     * jcmd opens its stdin by name ({@code -f /dev/stdin}), which fails on a pipe another user owns (root's, sudo's),
     * so a fixed {@code sh -c} pipes it through {@code cat} (the jcmd path and the pid are arguments, not script).
     */
    List<String> jcmdArgv(long pid, ProcessFacts facts) throws CollectionException {
        long uid = facts.status().uid();
        if (facts.ownUid() > 0 && uid != facts.ownUid()) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "pid " + pid + " runs as uid " + uid
                    + " and Sage's commands as uid " + facts.ownUid() + ": the JVM accepts jcmd only from its own user."
                    + " Run Sage as uid " + uid + ", or as root");
        }
        requireJvm(pid, facts, "attach to");
        if (!facts.attachSocket() && !facts.status().catchesSigquit()) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " does not handle"
                    + " SIGQUIT (started with -Xrs?): jcmd's attach signal would kill it, so Sage did not attach");
        }
        if (transport.sameMachineAndUser() && HotSpotAttach.sameUserAndGroup(facts.status().uid(), facts.status().gid())) {
            // Sage attaches itself: no jcmd process. Only as the JVM's own user and group: a JVM (JDK 8 always, any
            // JDK in a user namespace) may not answer root, and jcmd run as its user through setpriv does not ask that
            return List.of();
        }
        if (usesJattach(facts)) {
            // jattach switches to the JVM's user and enters its namespaces itself: no setpriv
            return List.of("sh", "-c", JATTACH_SCRIPT, "sage-jattach", facts.jattach(), Long.toString(pid));
        }
        String jcmdPath = jcmdPath(facts);
        if (jcmdPath.isEmpty()) {
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND, "jcmd is not installed on "
                    + transport.describe() + " (the JVM at " + facts.exe() + " is a JRE, and no jcmd is on the PATH)."
                    + " jattach (Debian package 'jattach', one static binary) attaches without a JDK.");
        }
        // -J-Xlog:disable: jcmd is a JVM too, and JAVA_TOOL_OPTIONS logging on its stdout would mix with the answers;
        // the pipe cat writes to belongs to the user jcmd runs as, whoever fed cat (root, sudo, an exec stream)
        return asJvmUser(pid, facts, List.of("sh", "-c", "cat | \"$0\" -J-Xlog:disable \"$1\" -f /dev/stdin; s=$?; p=\"$1\"; "
                + PERF_DATA_SCRIPT + "; exit $s", jcmdPath, Long.toString(pid)));
    }

    /** The JVM's own JDK's jcmd, else the one on the PATH, else empty. */
    private static String jcmdPath(ProcessFacts facts) {
        return !facts.jcmdBesideJvm().isEmpty() ? facts.jcmdBesideJvm() : facts.jcmdOnPath();
    }

    /** {@code jcmd} with {@code setpriv} before it when Sage is root and the JVM is not: the attach needs its user. */
    private static List<String> asJvmUser(long pid, ProcessFacts facts, List<String> jcmd) throws CollectionException {
        long uid = facts.status().uid();
        if (facts.ownUid() == 0 && uid > 0) {
            long gid = facts.status().gid();
            if (gid < 0) {
                throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "cannot tell the group pid " + pid
                        + " runs as, so Sage will not run jcmd as its user");
            }
            List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
            asUser.addAll(jcmd);
            return List.copyOf(asUser);
        }
        return jcmd;
    }

    /** Refuses a process that is not known to be a JVM: attaching or signalling would hurt it. */
    private static void requireJvm(long pid, ProcessFacts facts, String action) throws CollectionException {
        String name = facts.status().name();
        if (facts.jvm().equals("no")) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " (" + name
                    + ") is not a JVM: it does not load libjvm. Sage did not " + action + " it");
        }
        if (!facts.jvm().equals("yes")) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "cannot tell whether pid " + pid + " ("
                    + name + ") is a JVM: its memory map is unreadable. Sage did not " + action + " it");
        }
    }

    /** No jcmd where the JVM is, but jattach: it attaches without a JDK. */
    private static boolean usesJattach(ProcessFacts facts) {
        return facts.jcmdBesideJvm().isEmpty() && facts.jcmdOnPath().isEmpty() && !facts.jattach().isEmpty();
    }

    /** The line before the performance data that ends the output of a round's exec. */
    static final String PERF_DATA_MARKER = "\n==> sage-perfdata <==\n";

    /**
     * Appended to a round's jcmd or jattach script (the pid in {@code $p}): prints {@link #PERF_DATA_MARKER} and the
     * JVM's performance counters file base64-encoded, {@code hsperfdata_USER/PID} in the JVM's own {@code /tmp} (its
     * pid there is the last of {@code NSpid}), at most 256 KiB, and only a file owned by the JVM's own uid: another
     * user's directory may hold a stale file of a dead JVM that had the same pid. The counters cost the JVM nothing to
     * read; jcmd's {@code PerfCounter.print} reads the same file, but only as a command of its own, never in a batch.
     */
    static final String PERF_DATA_SCRIPT = "n=$(sed -n 's/^NSpid:.*[[:space:]]\\([0-9][0-9]*\\)$/\\1/p' \"/proc/$p/status\" 2>/dev/null); "
            + "u=$(sed -n 's/^Uid:[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p' \"/proc/$p/status\" 2>/dev/null); "
            + "[ -n \"$n\" ] || n=\"$p\"; printf '\\n==> sage-perfdata <==\\n'; "
            + "for f in \"/proc/$p/root/tmp/hsperfdata_\"*/\"$n\" /tmp/hsperfdata_*/\"$p\"; do "
            + "if [ -f \"$f\" ] && [ -r \"$f\" ] && [ \"$(stat -c %u \"$f\" 2>/dev/null || echo \"$u\")\" = \"$u\" ]; then "
            + "head -c 262144 \"$f\" | base64 2>/dev/null; break; fi; done";

    /**
     * Runs each command (the arguments after {@code $3}) with jattach ({@code $1}) against pid {@code $2}, each
     * answer framed by lines holding the nonce {@code $3} and followed by its exit code. Fixed text: the commands are
     * Sage's own, passed as arguments.
     */
    static final String JATTACH_SCRIPT = "j=\"$1\"; p=\"$2\"; n=\"$3\"; shift 3; for c; do "
            + "printf '==> %s <==\\n' \"$n\"; \"$j\" \"$p\" jcmd \"$c\" 2>&1; printf '\\n==> %s exit %s <==\\n' \"$n\" \"$?\"; done; "
            + PERF_DATA_SCRIPT;


    /** The line jattach prints before each answer, with the JVM's response code. */
    private static final java.util.regex.Pattern JATTACH_RESPONSE = java.util.regex.Pattern.compile("(?m)^JVM response code = (-?\\d+)$");

    /**
     * Runs the commands the way {@code jcmd} says: in this process when it is empty ({@link #jcmdArgv}), else with
     * jattach or a batched jcmd. The performance counters come with the answers.
     */
    private void run(SnapshotReader reader, int round, long pid, ProcessFacts facts, List<String> jcmd,
                     List<JcmdCommand> commands, CollectionPlan plan) throws CollectionException {
        if (jcmd.isEmpty()) {
            HotSpotAttach attach = attach(pid, facts);
            runInProcess(reader, round, attach, commands, plan, System.nanoTime() + plan.timeout().toNanos());
            byte[] counters = attach.perfData(); // what PERF_DATA_SCRIPT reads, read here
            if (counters.length > 0) {
                addPerfData(reader, round, () -> counters);
            }
        } else if (usesJattach(facts)) {
            runJattach(reader, round, pid, facts.status().uid(), jcmd, commands, plan);
        } else {
            runCommands(reader, round, pid, facts.status().uid(), jcmd, commands, plan);
        }
    }

    private static HotSpotAttach attach(long pid, ProcessFacts facts) {
        return new HotSpotAttach(pid, facts.status().nsPids(), facts.status().uid());
    }

    /** On this machine without jcmd (a JRE), the commands Sage runs through jcmd's file and recorder paths say so. */
    private static String noJcmdHere(ProcessFacts facts) {
        return "it needs jcmd or jattach where the JVM runs, and the JVM at " + facts.exe() + " is a JRE with no jcmd"
                + " beside it or on the PATH (Sage attached itself for the rest)";
    }

    /**
     * One attach per command, from this process, all within the plan's timeout. Each is recorded in the audit as
     * {@code attach PID jcmd COMMAND}. Only a failure before any answer is thrown.
     */
    private void runInProcess(SnapshotReader reader, int round, HotSpotAttach attach, List<JcmdCommand> commands,
                              CollectionPlan plan, long deadline) throws CollectionException {
        for (int i = 0; i < commands.size(); i++) {
            JcmdCommand c = commands.get(i);
            long left = deadline - System.nanoTime();
            ExecResult r;
            try {
                if (Thread.currentThread().isInterrupted()) {
                    // stopped (a deadline, Sage restarting): the round ends here, as an interrupted jcmd batch does
                    throw new CollectionException(CollectionException.Kind.TIMEOUT, "the collection was stopped before "
                            + c.command());
                }
                if (left <= 0) {
                    throw new CollectionException(CollectionException.Kind.TIMEOUT, "the round's "
                            + plan.timeout().toSeconds() + " s ran out before this command");
                }
                r = ExecAudits.around(transport.describe(), List.of("attach", Long.toString(attach.pid()), "jcmd",
                        c.command()), new byte[0], () -> attach.jcmd(c.command(), Duration.ofNanos(left), plan.outputCap()));
            } catch (CollectionException e) {
                if (i == 0 || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                reader.problem(new Problem(source(round, c), 0, e.getMessage()));
                continue;
            }
            String body = r.stdoutText();
            if (r.exitCode() == 0 && r.truncated()) {
                add(reader, round, c, body);
                reader.problem(new Problem(source(round, c), 0, "the answer passed the " + (plan.outputCap() >> 20)
                        + " MiB output cap and was cut"));
            } else {
                answered(reader, round, c, r.exitCode(), body, once -> runInProcess(once, round, attach,
                        List.of(JcmdCommand.THREAD_PRINT_LOCKS), plan, System.nanoTime() + plan.timeout().toNanos()));
            }
        }
    }

    /**
     * One command's answer as the JVM gave it with its response code (jattach, or Sage's own attach): a non-zero code
     * is the JVM's refusal of that command, said unless the command is optional there.
     */
    private static void answered(SnapshotReader reader, int round, JcmdCommand c, int code, String body,
                                 LockedDump withOwners) {
        if (code != 0) {
            if (!unknownOptional(c, body)) {
                reader.problem(new Problem(source(round, c), 0, JcmdErrors.explain(body.strip())));
            }
        } else {
            addAnswer(reader, round, c, body, withOwners);
        }
    }

    /**
     * With jattach: one exec, one attach per command. jattach prints {@code Connected to remote JVM} and
     * {@code JVM response code = N} before each answer; those lines are dropped, and a non-zero response is the
     * JVM's refusal of that command.
     */
    private void runJattach(SnapshotReader reader, int round, long pid, long jvmUid, List<String> argv,
                            List<JcmdCommand> commands, CollectionPlan plan) throws CollectionException {
        String nonce = Long.toHexString(new java.security.SecureRandom().nextLong() | 1L << 62);
        List<String> full = new ArrayList<>(argv);
        full.add(nonce);
        commands.forEach(c -> full.add(c.command()));
        ExecResult r = transport.exec(full, new byte[0], plan.timeout(), plan.outputCap());
        String text = takePerfData(reader, round, r.stdoutText().replace("\r\n", "\n"));
        String open = "==> " + nonce + " <==\n";
        java.util.regex.Pattern close = java.util.regex.Pattern.compile("\n==> " + nonce + " exit (\\d+) <==\n");
        int pos = text.indexOf(open);
        for (int i = 0; i < commands.size(); i++) {
            JcmdCommand c = commands.get(i);
            if (pos < 0) {
                reader.problem(new Problem(source(round, c), 0, r.truncated() ? "the output passed the "
                        + (plan.outputCap() >> 20) + " MiB cap before this command's answer" : "jattach gave no answer"
                        + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip())));
                continue;
            }
            int start = pos + open.length();
            java.util.regex.Matcher end = close.matcher(text);
            boolean closed = end.find(start);
            String answer = closed ? text.substring(start, end.start()) : text.substring(start);
            pos = closed ? text.indexOf(open, end.end()) : -1;
            java.util.regex.Matcher response = JATTACH_RESPONSE.matcher(answer);
            if (!answer.startsWith("Connected to remote JVM\n") || !response.find()) {
                CollectionException e = attachFailure(pid, jvmUid, answer.strip(), closed ? Integer.parseInt(end.group(1)) : -1);
                if (i == 0) {
                    throw e;
                }
                reader.problem(new Problem(source(round, c), 0, e.getMessage()));
            } else {
                String body = answer.substring(Math.min(answer.length(), response.end() + 1));
                answered(reader, round, c, Integer.parseInt(response.group(1)), body, once -> runJattach(once, round, pid,
                        jvmUid, argv, List.of(JcmdCommand.THREAD_PRINT_LOCKS), plan));
            }
            if (!closed) {
                if (r.truncated()) {
                    reader.problem(new Problem(source(round, c), 0, "the answer passed the " + (plan.outputCap() >> 20)
                            + " MiB output cap and was cut; the commands after it were not run"));
                }
                return;
            }
        }
    }

    /**
     * Runs the commands in as few jcmd starts as the JVM allows: one, unless a command stops the batch. Only a
     * failure before any answer is thrown; once something was read, later failures are recorded problems.
     */
    private void runCommands(SnapshotReader reader, int round, long pid, long jvmUid, List<String> jcmd,
                             List<JcmdCommand> commands, CollectionPlan plan) throws CollectionException {
        List<JcmdCommand> pending = commands;
        boolean answered = false;
        boolean counted = false;
        while (!pending.isEmpty()) {
            ExecResult r;
            try {
                r = transport.exec(jcmd, JcmdBatch.script(pending), plan.timeout(), plan.outputCap());
            } catch (CollectionException e) {
                if (!answered) {
                    throw e;
                }
                reader.problem(new Problem(source(round, pending.get(0)), 0, e.getMessage() + "; these commands got no answer: "
                        + String.join(", ", pending.stream().map(JcmdCommand::command).toList())));
                return;
            }
            String output = counted ? cutPerfData(r.stdoutText()) : takePerfData(reader, round, r.stdoutText());
            counted = true;
            JcmdBatch.Split split = JcmdBatch.split(output, pending.size());
            if (split.answers().isEmpty() && split.failedAnswer() == null) {
                String said = (split.preamble() + "\n" + r.stderr()).strip();
                CollectionException e = attachFailure(pid, jvmUid, said, r.exitCode());
                if (!answered) {
                    throw e;
                }
                reader.problem(new Problem(source(round, pending.get(0)), 0, e.getMessage()));
                return;
            }
            answered = true;
            for (int i = 0; i < split.answers().size(); i++) {
                addAnswer(reader, round, pending.get(i), split.answers().get(i), once -> runCommands(once, round,
                        pid, jvmUid, jcmd, List.of(JcmdCommand.THREAD_PRINT_LOCKS), plan));
            }
            if (split.complete(pending.size())) {
                return;
            }
            int failed = split.answers().size();
            JcmdCommand c = pending.get(failed);
            if (r.truncated()) {
                // the answer was cut at the output cap, not refused: keep what arrived, and stop there
                add(reader, round, c, split.failedAnswer());
                reader.problem(new Problem(source(round, c), 0, "the answer passed the " + (plan.outputCap() >> 20)
                        + " MiB output cap and was cut; the commands after it were not run"));
                return;
            }
            String said = (split.failedAnswer() + "\n" + r.stderr()).strip();
            if (!unknownOptional(c, said)) {
                reader.problem(new Problem(source(round, c), 0, said.isEmpty() ? "jcmd stopped at this command (exit "
                        + r.exitCode() + ")" : JcmdErrors.explain(said)));
            }
            pending = pending.subList(failed + 1, pending.size());
        }
    }

    /**
     * {@code Thread.dump_to_file -format=json} to a fresh file in the JVM's own {@code /tmp} (a random name: two
     * collections cannot collide, and the JDK refuses to overwrite a file), read back through {@code /proc/PID/root} and
     * removed in the same exec, whatever happened; a file an earlier exec left (it was stopped at its deadline while the
     * JVM still wrote) is removed once it is ten minutes old. The JVM writes it as itself, so it is run as the JVM's user.
     * {@code Thread.print} lists only the virtual threads mounted at that moment; this lists them all.
     */
    private void takeThreadsJson(SnapshotReader reader, int round, long pid, ProcessFacts facts, CollectionPlan plan,
                                 boolean roundHasDump) {
        String source = "round " + round + ": Thread.dump_to_file -format=json";
        if (!usesJattach(facts) && jcmdPath(facts).isEmpty()) {
            reader.problem(new Problem(source, 0, "not taken: " + noJcmdHere(facts) + "; the virtual threads not mounted"
                    + " at the time are not in this round"));
            return;
        }
        TargetFile target = TargetFile.fresh("sage-threads-", ".json");
        String file = target.path();
        String read = "s=$?; " + target.readAndRemove() + target.sweep() + "exit $s";
        try {
            List<String> argv = usesJattach(facts)
                    ? List.of("sh", "-c", "j=\"$1\"; p=\"$2\"; f=\"$3\"; c=\"$4\"; "
                            + "\"$j\" \"$p\" jcmd \"Thread.dump_to_file -format=json $f\" >&2; " + read,
                            "sage-threads", facts.jattach(), Long.toString(pid), file, Long.toString(plan.outputCap()))
                    : asJvmUser(pid, facts, List.of("sh", "-c", "p=\"$1\"; f=\"$2\"; c=\"$3\"; "
                            + "\"$0\" -J-Xlog:disable \"$p\" Thread.dump_to_file -format=json \"$f\" >&2; " + read,
                            jcmdPath(facts), Long.toString(pid), file, Long.toString(plan.outputCap())));
            ExecResult r = transport.exec(argv, new byte[0], plan.timeout(), plan.outputCap());
            if (r.stdout().length == 0) {
                reader.problem(new Problem(source, 0, "no thread dump file could be read from the JVM's /tmp (through"
                        + " /proc/" + pid + "/root)"
                        + (r.stderr().isBlank() ? "" : ": " + JcmdErrors.explain(r.stderr().strip()))
                        + "; the virtual threads not mounted at the time are not in this round"));
            } else if (r.truncated()) {
                reader.problem(new Problem(source, 0, "the dump passed the " + (plan.outputCap() >> 20)
                        + " MiB output cap; the virtual threads are not in this round"));
            } else {
                reader.addThreadsJson(source, r.stdoutText(), roundHasDump);
            }
        } catch (CollectionException e) {
            reader.problem(new Problem(source, 0, e.getMessage() + "; the virtual threads not mounted at the time are not in"
                    + " this round"));
        }
    }

    /**
     * A flight recording read back from the target.
     *
     * @param jfr the recording file's bytes (cut at the plan's output cap: then {@code truncated})
     * @param existing the recording the JVM was already making ({@code 1 name=continuous}), dumped for the same
     *     window instead of starting a second one; empty when Sage recorded
     * @param took from the start of the recording to its file read back, the recording's duration included
     */
    public record Recording(byte[] jfr, Optional<String> existing, boolean truncated, Duration took, String via) {}

    /** The JFR recordings Sage starts, and their files in the target's /tmp: {@code sage-profile-<random>.jfr}. */
    static final String PROFILE_PREFIX = "sage-profile-";

    /** {@code JFR.start} event settings that leave out each of {@link dev.sage.profile.Profile#PRIVATE}. */
    private static final String LEFT_OUT = String.join(" ", dev.sage.profile.Profile.PRIVATE.stream().sorted()
            .map(e -> e + "#enabled=false").toList());

    /** Defines {@code jc}: jcmd, or jattach's jcmd, for the pid in {@code $p}, its tool in {@code $j}, mode in {@code $m}. */
    private static final String JC = "jc() { if [ \"$m\" = jattach ]; then \"$j\" \"$p\" jcmd \"$*\"; else \"$j\""
            + " -J-Xlog:disable \"$p\" \"$@\"; fi; }; ";

    /**
     * A recording under way on the target (or the JVM's own, to be dumped at the end).
     *
     * @param file the file the JVM writes, in its own {@code /tmp}; its name is the recording's
     * @param existing the JVM's own running recording ({@code 1 continuous}), when it had one
     * @param mode {@code jcmd} or {@code jattach}, and {@code tool} its path on the target
     * @param askedNanos when Sage asked for it; {@code startedNanos} when it was running
     * @param asJvmUser whether the execs switch to the JVM's user (jcmd must; jattach does it itself)
     */
    private record JfrStarted(long pid, TargetFile file, Optional<String> existing, Duration duration,
                              long askedNanos, long startedNanos, CollectionPlan plan, String mode, String tool, boolean asJvmUser,
                              ProcessFacts facts) {}

    /**
     * {@code JFR.start} with the JDK's {@code profile} settings under a fresh name and to a fresh file in the JVM's own
     * {@code /tmp}; {@code duration} later {@code JFR.stop}, the file read back through {@code /proc/PID/root} and
     * removed in the same exec as the stop (a file an earlier recording left is removed once ten minutes old).
     * Sage waits between the two execs, so no exec stays open for the duration. The recording also carries a duration of
     * its own a minute longer, so that if Sage stops before the second exec it still stops, and writes its file for a
     * later profile to remove, rather than recording on. A JVM that already records is not given a second recording: the
     * running one is dumped for the last {@code duration}. Two profiles of one JVM at once each get their own recording
     * and file. The JVM writes the file as itself, so the execs run as the JVM's user.
     *
     * @throws CollectionException when the JVM cannot be attached to, has no JFR (JDK 8 before 8u262), refuses, or no
     *     recording comes back
     */
    public Recording recordJfr(long pid, Duration duration, CollectionPlan plan) throws CollectionException {
        JfrStarted started = startJfr(pid, facts(pid, plan), duration, plan);
        return finishJfr(started);
    }

    /** Starts a recording (or finds the JVM's own): the first half of {@link #recordJfr}. */
    private JfrStarted startJfr(long pid, ProcessFacts facts, Duration duration, CollectionPlan plan)
            throws CollectionException {
        jcmdArgv(pid, facts); // the same checks as any attach: its user, a JVM, one that handles SIGQUIT
        if (!usesJattach(facts) && jcmdPath(facts).isEmpty()) {
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND, "no recording: " + noJcmdHere(facts));
        }
        long seconds = Math.max(1, duration.toSeconds());
        long asked = System.nanoTime();
        TargetFile file = TargetFile.fresh(PROFILE_PREFIX, ".jfr");
        boolean jattach = usesJattach(facts);
        JfrStarted started = new JfrStarted(pid, file, Optional.empty(), Duration.ofSeconds(seconds), asked, asked, plan,
                jattach ? "jattach" : "jcmd", jattach ? facts.jattach() : jcmdPath(facts), !jattach, facts);
        String script = "m=\"$1\"; j=\"$2\"; p=\"$3\"; n=\"$4\"; f=\"$5\"; d=\"$6\"; " + JC
                + file.sweep()
                + "o=$(jc JFR.check 2>&1 | sed -n 's/^Recording \\([0-9][0-9]*\\): name=\\([^ ]*\\).*(running).*/\\1 \\2/p'"
                + " | grep -v ' " + PROFILE_PREFIX + "' | head -n 1); "
                + "if [ -n \"$o\" ]; then echo \"sage-existing: $o\"; exit 0; fi; "
                // JDK 17 and later take event settings: the events that hold secrets are left out, so that the file
                // may be shared; an older JDK refuses the arguments, and is started again without them (it records
                // those events as it always does, and Sage does not post its file)
                + "start() { jc JFR.start name=\"$n\" settings=profile duration=\"$((d + 60))s\" filename=\"$f\" \"$@\" 2>&1; }; "
                + "o=$(start " + LEFT_OUT + "); "
                + "case \"$o\" in *\"Started recording\"*) echo \"$o\";; *rgument*) start;; *) echo \"$o\";; esac";
        ExecResult r = transport.exec(argv(started, script, List.of()), new byte[0], plan.timeout(), 1 << 16);
        String said = r.stdoutText().strip() + (r.stderr().isBlank() ? "" : "\n" + r.stderr().strip());
        java.util.regex.Matcher existing = java.util.regex.Pattern.compile("(?m)^sage-existing: (\\d+ \\S+)$").matcher(said);
        // the duration counts from when the recording runs: the start's own attach is not part of it
        if (existing.find()) {
            return new JfrStarted(pid, file, Optional.of(existing.group(1)), started.duration(), asked,
                    System.nanoTime(), plan, started.mode(), started.tool(), started.asJvmUser(), facts);
        }
        if (!said.contains("Started recording")) {
            if (said.contains("Unknown diagnostic command") || said.contains("JFR.start") && said.contains("not available")) {
                throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " has no Flight"
                        + " Recorder (JDK 8 before 8u262, or a JVM built without it): no profile can be recorded");
            }
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " did not start a"
                    + " recording" + (said.isEmpty() ? " (exit " + r.exitCode() + ")" : ": " + JcmdErrors.explain(said)));
        }
        return new JfrStarted(pid, file, Optional.empty(), started.duration(), asked, System.nanoTime(), plan, started.mode(),
                started.tool(), started.asJvmUser(), facts);
    }

    /**
     * Waits out the recording's duration, then stops it (or dumps the JVM's own for that window), reads its file back
     * and removes it: the second half of {@link #recordJfr}. Interrupted while waiting, it stops the recording and
     * removes the file before it gives up.
     */
    private Recording finishJfr(JfrStarted started) throws CollectionException {
        Duration left = started.duration().minusNanos(System.nanoTime() - started.startedNanos());
        try {
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis());
            }
        } catch (InterruptedException e) {
            finishQuietly(started);
            Thread.currentThread().interrupt();
            throw new CollectionException(CollectionException.Kind.TIMEOUT, "stopped while recording", e);
        }
        CollectionPlan plan = started.plan();
        String script = "m=\"$1\"; j=\"$2\"; p=\"$3\"; n=\"$4\"; f=\"$5\"; d=\"$6\"; c=\"$7\"; e=\"$8\"; " + JC
                + "if [ -n \"$e\" ]; then jc JFR.dump name=\"$e\" filename=\"$f\" maxage=\"${d}s\" >&2; "
                + "else jc JFR.stop name=\"$n\" >&2; fi; s=$?; " + started.file().readAndRemove() + "exit $s";
        ExecResult r = transport.exec(argv(started, script, List.of(Long.toString(plan.outputCap()),
                started.existing().map(x -> x.substring(0, x.indexOf(' '))).orElse(""))), new byte[0], plan.timeout(),
                plan.outputCap() + 1);
        if (r.stdout().length == 0) {
            String why = r.stderr().strip();
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "no recording came back from pid "
                    + started.pid() + (why.isEmpty() ? " (exit " + r.exitCode() + ")" : ": " + JcmdErrors.explain(why)));
        }
        boolean truncated = r.truncated() || r.stdout().length > plan.outputCap();
        byte[] jfr = r.stdout().length > plan.outputCap() ? java.util.Arrays.copyOf(r.stdout(), (int) plan.outputCap())
                : r.stdout();
        String via = (started.mode().equals("jattach") ? started.tool() + " " + started.pid() + " jcmd"
                : started.tool() + " " + started.pid()) + (started.existing().isPresent() ? " JFR.dump" : " JFR.start, JFR.stop");
        return new Recording(jfr, started.existing(), truncated, since(started.askedNanos()), via);
    }

    /** Stops a recording and removes its file, when a collection ends early; what fails here was already lost. */
    private void finishQuietly(JfrStarted started) {
        boolean interrupted = Thread.interrupted(); // an exec on an interrupted thread fails at once
        try {
            String script = "m=\"$1\"; j=\"$2\"; p=\"$3\"; n=\"$4\"; f=\"$5\"; " + JC
                    + "[ -n \"$7\" ] || jc JFR.stop name=\"$n\" >/dev/null 2>&1; rm -f \"/proc/$p/root$f\"";
            transport.exec(argv(started, script, List.of(started.existing().isPresent() ? "existing" : "")), new byte[0],
                    started.plan().timeout(), 1 << 16);
        } catch (CollectionException | RuntimeException e) {
            // the recording stops by itself a minute after its duration, and a later profile removes its file
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code sh -c script} with the recording's fixed arguments ($1 to $6), then {@code more}, as the JVM's user. */
    private static List<String> argv(JfrStarted s, String script, List<String> more) throws CollectionException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sage-profile", s.mode(), s.tool(),
                Long.toString(s.pid()), s.file().name(), s.file().path(), Long.toString(s.duration().toSeconds())));
        argv.addAll(more);
        return s.asJvmUser() ? asJvmUser(s.pid(), s.facts(), argv) : argv;
    }

    /**
     * Records the plan's profile and adds what it shows; a recording that fails or cannot be read is a problem of the
     * snapshot, never of the collection.
     */
    private void record(SnapshotReader reader, long pid, ProcessFacts facts, CollectionPlan plan,
                        Map<String, Duration> timings, List<String> notes) throws CollectionException {
        Duration d = plan.profile().orElseThrow();
        String source = "JFR recording (" + d.toSeconds() + " s)";
        try {
            Recording r = finishJfr(startJfr(pid, facts, d, plan));
            timings.put("profile", r.took());
            r.existing().ifPresent(e -> notes.add("the JVM already records (" + e + "): its last " + d.toSeconds()
                    + " s were dumped instead of starting a second recording"));
            reader.addProfile(source, ProfileReader.read(r.jfr(), "the recording"));
        } catch (CollectionException e) {
            if (e.kind() == CollectionException.Kind.TIMEOUT && Thread.currentThread().isInterrupted()) {
                throw e;
            }
            reader.problem(new Problem(source, 0, "no profile: " + e.getMessage()));
        } catch (CaptureFormatException e) {
            reader.problem(new Problem(source, 0, "no profile: " + e.reason()));
        } catch (IOException e) {
            reader.problem(new Problem(source, 0, "no profile: the recording could not be kept here to be read ("
                    + e.getMessage() + ")"));
        }
    }

    /** Runs {@code Thread.print -l} alone, into a reader of its own. */
    @FunctionalInterface
    private interface LockedDump {
        void into(SnapshotReader reader) throws CollectionException;
    }

    /**
     * Adds one answer. A plain thread dump in which several threads wait on one ReentrantLock (or read-write lock) is
     * taken again with {@code -l}, which names the thread holding it: only then does the target pay for the heap walk.
     */
    private static void addAnswer(SnapshotReader reader, int round, JcmdCommand c, String answer, LockedDump withOwners) {
        if (c.equals(JcmdCommand.THREAD_PRINT) && LockWaits.wantOwners(answer)) {
            try {
                SnapshotReader once = new SnapshotReader("");
                withOwners.into(once);
                String locked = once.raw().stream().filter(r -> r.kind() == Kind.THREAD_DUMP).map(SnapshotReader.Raw::text)
                        .findFirst().orElse(null);
                if (locked != null) {
                    add(reader, round, JcmdCommand.THREAD_PRINT_LOCKS, locked);
                    return;
                }
            } catch (CollectionException e) {
                reader.problem(new Problem(source(round, JcmdCommand.THREAD_PRINT_LOCKS), 0, "not taken (" + e.getMessage()
                        + "): the plain dump does not name who holds a java.util.concurrent lock"));
            }
        }
        add(reader, round, c, answer);
    }

    /** A round's output without the performance data at its end. */
    private static String cutPerfData(String output) {
        int at = output.lastIndexOf(PERF_DATA_MARKER);
        return at < 0 ? output : output.substring(0, at);
    }

    /**
     * Adds the performance data at the end of a round's output to the snapshot, and returns the output without it. The
     * marker is looked for from the end: the JVM's answers before it (a thread's name) cannot move it. No data (a JVM
     * run with {@code -XX:-UsePerfData}) adds nothing; checks that need the counters then say so.
     */
    private static String takePerfData(SnapshotReader reader, int round, String output) {
        int at = output.lastIndexOf(PERF_DATA_MARKER);
        if (at < 0) {
            return output;
        }
        String encoded = output.substring(at + PERF_DATA_MARKER.length()).strip();
        if (!encoded.isEmpty()) {
            addPerfData(reader, round, () -> java.util.Base64.getMimeDecoder().decode(encoded));
        }
        return output.substring(0, at);
    }

    private static void addPerfData(SnapshotReader reader, int round, Supplier<byte[]> bytes) {
        String source = "round " + round + ": performance counters (hsperfdata)";
        try {
            reader.add(source, Kind.PERF_COUNTERS, PerfDataDecoder.toText(bytes.get()));
        } catch (CaptureFormatException e) {
            reader.problem(new Problem(source, 0, e.reason()));
        } catch (RuntimeException e) {
            // not base64 (no base64 tool), or a file the decoder could not follow: the counters are left out
            reader.problem(new Problem(source, 0, "the performance data could not be read (" + e.getMessage() + ")"));
        }
    }

    /**
     * True for {@code GC.finalizer_info} refused by a JDK 8 JVM, which does not have it: the playbooks then judge the
     * finalizer from the histogram, and the report need not say so every round.
     */
    private static boolean unknownOptional(JcmdCommand c, String said) {
        return c.equals(JcmdCommand.FINALIZER_INFO) && said.contains("Unknown diagnostic command");
    }

    /** Adds one answer; an exception printed as the answer (older JVMs answer so) is explained, not parsed. */
    private static void add(SnapshotReader reader, int round, JcmdCommand c, String answer) {
        String first = answer.strip().lines().findFirst().orElse("");
        if (JcmdErrors.isExceptionLine(first)) {
            if (!unknownOptional(c, answer)) {
                reader.problem(new Problem(source(round, c), 0, JcmdErrors.explain(answer)));
            }
        } else {
            reader.add(source(round, c), c.kind(), answer);
        }
    }

    private static String source(int round, JcmdCommand c) {
        return "round " + round + ": " + c.command();
    }

    private static CollectionException attachFailure(long pid, long jvmUid, String said, int exit) {
        String text = said.isEmpty() ? "jcmd exited with " + exit + " and printed nothing" : said;
        String explained = JcmdErrors.explain((pid > 0 ? pid + ":\n" : "") + text, jvmUid);
        CollectionException.Kind kind = text.contains("No such process") || text.contains("non existent JVM pid")
                ? CollectionException.Kind.TARGET_GONE
                : text.contains("Operation not permitted") || text.contains("is not secure") || text.contains("Permission denied")
                ? CollectionException.Kind.PERMISSION
                : CollectionException.Kind.UNSUPPORTED;
        return new CollectionException(kind, explained);
    }

    private static void addFacts(SnapshotReader reader, int round, ProcessFacts facts) {
        reader.add("round " + round + ": /proc/<pid>/status", Kind.PROCESS_STATUS, facts.statusText());
        if (!facts.cgroupText().isBlank()) {
            reader.add("round " + round + ": cgroup memory", Kind.CGROUP_MEMORY, facts.cgroupText());
        }

    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void sleep(Duration d) throws CollectionException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectionException(CollectionException.Kind.TIMEOUT, "interrupted between rounds", e);
        }
    }
}
