package dev.sage.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every command that prints a diagnosis shares: the output format and team playbook directories. */
final class ReportOptions {
    @Option(names = "--playbooks", paramLabel = "DIR",
            description = "A team's playbook directory, loaded over the built-ins (repeatable; also SAGE_PLAYBOOKS).")
    List<Path> playbookDirs = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Reports.Format format;
}
