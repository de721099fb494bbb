package dev.sage.service;

/**
 * What a Sage may touch, checked by the service before it contacts anything. The command line may touch whatever
 * its user's own credentials reach ({@link #EVERYTHING}); the bot only what its configuration lists.
 * Implementations are immutable and thread-safe.
 */
public interface Scope {
    Scope EVERYTHING = new Scope() {
        @Override
        public String refusal(Target target, String context, String namespace) {
            return null;
        }
    };

    /**
     * Why {@code target} may not be touched, or null when it may.
     *
     * @param context the kubeconfig context a pod is reached through, empty for the default one (a request that
     *     names none); empty for other targets
     * @param namespace a pod's namespace; null when not known yet (is the context itself allowed?); empty for others
     */
    String refusal(Target target, String context, String namespace);
}
