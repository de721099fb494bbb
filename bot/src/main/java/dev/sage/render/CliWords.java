package dev.sage.render;

import dev.sage.collect.Remedy;
import dev.sage.diagnosis.NotEvaluated;

import java.util.List;
import java.util.stream.Collectors;

/** How the command line words a {@link Remedy}: the flag to add, and what it does. Pure. */
public final class CliWords {
    private CliWords() {}

    public static String remedy(Remedy r) {
        return switch (r) {
            case COPY_JATTACH -> "--copy-jattach FILE copies a jattach binary into the container's /tmp for the collection";
            case DEBUG_CONTAINER -> "--debug-image IMAGE adds an ephemeral container with a JDK (e.g."
                    + " eclipse-temurin:21-jdk) that shares the JVM's processes (Kubernetes cannot remove it afterwards)";
            case SIGQUIT -> "--allow-sigquit takes a thread dump only, by SIGQUIT, from the container's log";
            case NAME_CONTAINER -> "give it with -c CONTAINER";
            case NAME_NAMESPACE -> "give it with -n NAMESPACE";
            case NAME_SIBLING -> "--compare pod/NAME";
            case MORE_ROUNDS -> "collect with --rounds 2 or more";
            case ENABLE_NMT -> "start the JVM with -XX:NativeMemoryTracking=summary";
            case PROFILE -> "add --profile 30s to record the JVM after collecting";
        };
    }

    /** A failure's message with what to do next: the ladder's opt-in ways as one list, the others in parentheses. */
    public static String failure(String message, List<Remedy> remedies) {
        if (remedies.isEmpty()) {
            return message;
        }
        if (remedies.contains(Remedy.COPY_JATTACH) || remedies.contains(Remedy.DEBUG_CONTAINER)) {
            return message + " Other ways, all opt-in: "
                    + remedies.stream().map(CliWords::remedy).collect(Collectors.joining("; "));
        }
        return message + " (" + remedies.stream().map(CliWords::remedy).collect(Collectors.joining("; ")) + ")";
    }

    /** {@code thread-leak: needs two thread dumps of one JVM (collect with --rounds 2 or more)}. */
    public static String notEvaluated(NotEvaluated n) {
        return n.remedies().isEmpty() ? n.what()
                : n.what() + " (" + n.remedies().stream().map(CliWords::remedy).collect(Collectors.joining("; ")) + ")";
    }
}
