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
    PlaybookScope EVERYWHERE = (dir, request) -> true;

    /** Whether the playbooks of {@code dir} judge the diagnosis {@code request} asks for. */
    boolean applies(Path dir, DiagnoseRequest request);
}
