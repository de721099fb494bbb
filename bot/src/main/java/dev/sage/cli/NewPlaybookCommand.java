package dev.sage.cli;

import dev.sage.playbook.PlaybookLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code sage playbooks new ID [--from BUILTIN] [--dir DIR]}: a playbook file that loads as written, with comments
 * saying what each key does, and its fixture folders, so that an author starts from something that passes
 * {@code validate} and only has to say what their incident looks like.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Write DIR/ID.yaml, a commented playbook that loads as it is, and the fixture folders",
            "DIR/ID/fires and DIR/ID/quiet. With --from, start from a built-in's file instead."})
final class NewPlaybookCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The finding id: lower-case letters, digits and dashes, e.g. acme-slow-client.")
    String id;

    @Option(names = "--from", paramLabel = "BUILTIN", description = "A built-in playbook to start from (sage playbooks list).")
    String from;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "The team's playbook directory (default: here).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!PlaybookLoader.validId(id)) {
            err.println("sage playbooks new: '" + id + "' is not a playbook id: lower-case letters, digits"
                    + " and dashes, starting with a letter, 2 to 64 characters");
            return ExitCodes.USAGE;
        }
        String text;
        if (from != null) {
            String builtin = PlaybookLoader.builtinText(from).orElse(null);
            if (builtin == null) {
                err.println("sage playbooks new: there is no built-in playbook '" + from + "'; the built-ins"
                        + " are listed by sage playbooks list");
                return ExitCodes.USAGE;
            }
            text = fromBuiltin(builtin);
        } else {
            text = skeleton();
        }
        Path file = dir.resolve(id + ".yaml");
        if (Files.exists(file) || Files.exists(dir.resolve(id + ".yml"))) {
            err.println("sage playbooks new: " + file + " exists already; Sage does not overwrite a playbook");
            return ExitCodes.USAGE;
        }
        Files.createDirectories(dir);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Path fires = dir.resolve(id).resolve("fires");
        Path quiet = dir.resolve(id).resolve("quiet");
        Files.createDirectories(fires);
        Files.createDirectories(quiet);
        out.println("wrote " + file + (from == null ? "" : " (from the built-in " + from + ")"));
        out.println("and the fixture folders " + fires + " and " + quiet);
        out.println();
        out.println("Next:");
        out.println("  sage playbooks capture TARGET " + fires.resolve("NAME") + "   # a JVM where it must fire");
        out.println("  sage playbooks capture TARGET " + quiet.resolve("NAME") + "   # one where it must stay quiet");
        out.println("  sage playbooks test " + dir);
        out.println("  sage playbooks explain " + id + " CAPTURE... --playbooks " + dir + "   # why it fired, or not");
        return ExitCodes.OK;
    }

    private String fromBuiltin(String builtin) {
        String replaced = builtin.replaceFirst("(?m)^id:\\s*\\S+", "id: " + id);
        String note = id.equals(from)
                ? "# Replaces the built-in " + from + " (same id): a diagnosis uses this file instead of it.\n"
                : "# Started from the built-in " + from + "; with its own id it is judged beside it. Give it the id "
                        + from + " to replace the built-in instead.\n";
        return note + replaced;
    }

    private String skeleton() {
        return """
                # A team playbook. Every key is explained in playbooks/README.md; `sage playbooks list` lists the checks
                # and their parameters. As written it loads: change it to describe your incident, then add captures to
                # the fixture folders beside it and run `sage playbooks test` on this directory.
                id: %1$s
                title: "{{count}} threads in the slow client's read"      # {{figure}}: a figure the checks give
                severity: warning                                       # critical, warning or info
                description: >
                  What this finding means, for the person on call: which code, why it hurts, who owns it.
                requires: [thread_dump]                                 # captures needed beyond the checks' own
                when:                                                   # every condition must hold
                  - threads_in_frame:
                      methods: [com.example.client.SlowClient.read]      # class.method names on the threads' stacks
                      min: 10                                           # how many threads make it worth saying
                # expr:                                                 # optional CEL over the facts, all must be true
                #   - "threads.filter(t, t.name.startsWith('slow-client-')).size() > 10"
                evidence:
                  - "{{count}} threads in {{frame}}, e.g. {{names}}"
                fixes:
                  - text: "Give the client a read timeout."
                    link: https://wiki.example.com/runbooks/slow-client
                """.formatted(id);
    }
}
