package dev.sage.collect;

import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecResult;
import dev.sage.transport.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the JVMs where a transport runs commands, in one exec: a survey of {@code /proc} for processes that map
 * libjvm, which also reads each one's facts, so that collecting from the one picked needs no second look (a JVM
 * run with {@code -XX:-UsePerfData} is invisible to {@code jcmd -l}, and a container may have no jcmd at all).
 * Only when the survey finds none does it ask {@code jcmd -l}, which also sees other users' JVMs.
 */
public final class JvmDiscovery {
    /** The deadline of the survey unless given: it reads a few files per process. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long CAP = 1 << 20;

    private final Transport transport;
    private final long ownPid;
    private final Duration timeout;

    /**
     * @param ownPid a pid to leave out (Sage's own JVM when the transport is local), or -1
     */
    public JvmDiscovery(Transport transport, long ownPid) {
        this(transport, ownPid, TIMEOUT);
    }

    /** With {@code timeout} as the deadline of each of its commands. */
    public JvmDiscovery(Transport transport, long ownPid, Duration timeout) {
        this.transport = transport;
        this.ownPid = ownPid;
        this.timeout = timeout;
    }

    /** The JVMs found, by pid. */
    public List<JvmProcess> list() throws CollectionException {
        return list(Optional.empty());
    }

    /** The JVMs found, by pid; with {@code only}, that process alone is looked at (the others are not read). */
    private List<JvmProcess> list(Optional<Long> only) throws CollectionException {
        List<JvmProcess> found = new ArrayList<>();
        ExecResult scan;
        try {
            scan = transport.exec(only.map(ProcessFacts::surveyArgv).orElseGet(ProcessFacts::surveyArgv), new byte[0],
                    timeout, CAP);
        } catch (CollectionException e) {
            if (e.kind() != CollectionException.Kind.COMMAND_NOT_FOUND) {
                throw e;
            }
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND, transport.describe()
                    + " has no shell (sh): Sage reads /proc with a short fixed script and cannot look at the JVM without one", e);
        }
        for (ProcessFacts.Surveyed p : ProcessFacts.parseSurvey(scan.stdoutText())) {
            found.add(new JvmProcess(p.pid(), mainClassOf(p.commandLine()), p.facts()));
        }
        // jcmd -l also sees other users' JVMs; a pid asked for is looked at directly when it is collected from
        if (only.isEmpty() && (found.isEmpty() || found.stream().allMatch(j -> j.pid() == ownPid))) {
            try {
                ExecResult r = transport.exec(List.of("jcmd", "-l"), new byte[0], timeout, CAP);
                if (r.exitCode() == 0) {
                    found.addAll(parseJcmdList(r.stdoutText()));
                }
            } catch (CollectionException e) {
                if (e.kind() != CollectionException.Kind.COMMAND_NOT_FOUND) {
                    throw e;
                }
            }
        }
        found.removeIf(j -> j.pid() == ownPid);
        found.sort(java.util.Comparator.comparingLong(JvmProcess::pid));
        return found;
    }

    /**
     * Picks the target: the given pid, the JVM whose main class contains {@code mainClass}, or the only JVM. A given pid
     * is looked at alone (one process's files, not every process's), and is returned even when it is no JVM: the
     * collection then says what it is.
     *
     * @throws CollectionException when none matches, or several do and nothing tells them apart
     */
    public JvmProcess select(Optional<Long> pid, Optional<String> mainClass) throws CollectionException {
        return choose(list(pid), pid, mainClass);
    }

    /** Picks the target among JVMs already listed, as {@link #select} does. */
    public JvmProcess choose(List<JvmProcess> jvms, Optional<Long> pid, Optional<String> mainClass) throws CollectionException {
        if (pid.isPresent()) {
            return jvms.stream().filter(j -> j.pid() == pid.get()).findFirst()
                    .orElse(new JvmProcess(pid.get(), ""));
        }
        List<JvmProcess> candidates = mainClass.isEmpty() ? jvms
                : jvms.stream().filter(j -> j.mainClass().contains(mainClass.get())).toList();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String where = transport.describe();
        if (jvms.isEmpty()) {
            throw new CollectionException(CollectionException.Kind.TARGET_GONE, "no JVM is running on " + where);
        }
        if (candidates.isEmpty()) {
            throw new CollectionException(CollectionException.Kind.TARGET_GONE, "no JVM on " + where
                    + " has a main class matching '" + mainClass.get() + "'; running: " + listing(jvms));
        }
        throw new CollectionException(CollectionException.Kind.UNSUPPORTED, candidates.size() + " JVMs run on " + where
                + (mainClass.isPresent() ? " with a main class matching '" + mainClass.get() + "'" : "")
                + "; say which with its pid or main class: " + listing(candidates));
    }

    private static String listing(List<JvmProcess> jvms) {
        return String.join(", ", jvms.stream().map(JvmProcess::toString).toList());
    }

    /**
     * {@code 2402 Target --port 8080} lines, leaving out jcmd itself. Only the main class is kept: arguments
     * may carry secrets and are never shown. Pure.
     */
    static List<JvmProcess> parseJcmdList(String text) {
        List<JvmProcess> out = new ArrayList<>();
        for (JvmProcess p : parseLines(text)) {
            String main = p.mainClass();
            int sp = main.indexOf(' ');
            out.add(new JvmProcess(p.pid(), sp < 0 ? main : main.substring(0, sp)));
        }
        return out;
    }

    /** {@code <pid> <rest of line>} lines, leaving out jcmd itself. */
    private static List<JvmProcess> parseLines(String text) {
        List<JvmProcess> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String s = line.strip();
            int sp = s.indexOf(' ');
            String pidText = sp < 0 ? s : s.substring(0, sp);
            if (pidText.isEmpty() || !pidText.chars().allMatch(Character::isDigit) || pidText.length() > 10
                    || Long.parseLong(pidText) == 0) {
                continue;
            }
            String main = sp < 0 ? "" : s.substring(sp + 1).strip();
            if (main.startsWith("jdk.jcmd/sun.tools.jcmd.JCmd") || main.startsWith("sun.tools.jcmd.JCmd")) {
                continue;
            }
            out.add(new JvmProcess(Long.parseLong(pidText), main));
        }
        return out;
    }

    /** The main class or jar of a java command line: the first word after the options. */
    static String mainClassOf(String cmdline) {
        String[] words = cmdline.strip().split("\\s+");
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (w.equals("-cp") || w.equals("-classpath") || w.equals("--class-path") || w.equals("-p")
                    || w.equals("--module-path") || w.equals("--add-opens") || w.equals("--add-exports")) {
                i++;
            } else if (w.equals("-jar") || w.equals("-m") || w.equals("--module")) {
                return i + 1 < words.length ? words[i + 1] : "";
            } else if (!w.startsWith("-")) {
                return w;
            }
        }
        return "";
    }
}
