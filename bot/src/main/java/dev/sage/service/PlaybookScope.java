package dev.sage.service;

import java.nio.file.Path;

/**
 * Which of a bot's team playbook directories judge a diagnosis: a directory the configuration binds to some targets
 * (a team's namespaces, its host groups) judges only those, so that one team's rules never fire, or cost time, on
 * another team's JVMs. Pure and thread-safe.
 */
@FunctionalInterface
public interface PlaybookScope {
    /** Every directory judges every target. */
    PlaybookScope EVERYWHERE = (dir, request, context) -> true;

    /**
     * Whether the playbooks of {@code dir} judge the diagnosis {@code request} asks for.
     *
     * @param context for a pod, the kubeconfig context it is reached through once known (the request may name none);
     *     empty otherwise
     */
    boolean applies(Path dir, DiagnoseRequest request, String context);
}
