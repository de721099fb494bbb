package dev.sage.slack;

import dev.sage.collect.Remedy;

/** How a chat reply words a {@link Remedy}: a phrase to type or what to ask the bot's admins for. Pure. */
final class SlackWords {
    private SlackWords() {}

    static String remedy(Remedy r) {
        return switch (r) {
            case COPY_JATTACH -> "Sage can copy a jattach binary into the container for the collection"
                    + " (`collection.copy_jattach` in Sage's configuration)";
            case DEBUG_CONTAINER -> "Sage can add an ephemeral JDK container that shares the JVM's processes"
                    + " (`collection.debug_image` in Sage's configuration; Kubernetes cannot remove it afterwards)";
            case SIGQUIT -> "Sage can take a thread dump by SIGQUIT from the container's log"
                    + " (`collection.allow_sigquit` in Sage's configuration)";
            case NAME_CONTAINER -> "say which container with `-c CONTAINER`";
            case NAME_NAMESPACE -> "say which namespace with `in NAMESPACE`";
            case NAME_SIBLING -> "name a pod to compare with: `compare POD with OTHER-POD`";
            case MORE_ROUNDS -> "`watch POD for 30s` takes several rounds";
            case ENABLE_NMT -> "start the JVM with `-XX:NativeMemoryTracking=summary`";
            case PROFILE -> "`diagnose POD --profile 30s` also records the JVM after collecting";
        };
    }
}
