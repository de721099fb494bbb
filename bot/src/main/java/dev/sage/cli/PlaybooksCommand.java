package dev.sage.cli;

import dev.sage.check.BuiltinChecks;
import dev.sage.check.Check;
import dev.sage.check.Param;
import dev.sage.check.Requirement;
import dev.sage.playbook.Fixtures;
import dev.sage.playbook.Playbook;
import dev.sage.playbook.PlaybookError;
import dev.sage.playbook.Costs;
import dev.sage.playbook.Expressions;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.service.DiagnosisService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code sage playbooks list|validate|test|new|capture|explain}: for playbook authors. */
@Command(name = "playbooks", mixinStandardHelpOptions = true,
        description = "List, validate, test, start, feed and explain playbooks (the built-ins and a team's own directories).",
        subcommands = {PlaybooksCommand.ListCommand.class, PlaybooksCommand.ValidateCommand.class,
            PlaybooksCommand.TestCommand.class, NewPlaybookCommand.class, CaptureCommand.class, ExplainCommand.class})
final class PlaybooksCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The playbooks in force (built-ins, then the directories given) and the checks they can use.")
    static final class ListCommand implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--playbooks", paramLabel = "DIR", description = "A team's playbook directory (repeatable).")
        List<Path> dirs = new ArrayList<>();

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PlaybookLoader.Loaded loaded = new DiagnosisService(DiagnosisService.Settings.fromEnvironment()).playbooks(dirs);
            out.println("Playbooks:");
            for (Playbook p : loaded.playbooks()) {
                out.printf("  %-26s %-8s %s%n", p.id(), p.severity().label(), p.source());
            }
            loaded.disabled().forEach(id -> out.printf("  %-26s disabled%n", id));
            out.println("\nChecks:");
            for (Check c : BuiltinChecks.all()) {
                out.printf("  %s: %s%n", c.name(), c.description());
                for (Param p : c.params()) {
                    out.printf("      %s (%s%s): %s%n", p.name(), p.type().describe(),
                            p.defaultValue() == null ? ", required" : ", default " + p.defaultValue(), p.description());
                }
                out.printf("      needs %s; gives %s%n", c.requires().stream().map(Requirement::key).collect(Collectors.joining(", ")),
                        String.join(", ", c.figures()));
            }
            printErrors(spec.commandLine().getErr(), loaded.errors());
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check every playbook file of DIR; exit 1 and say file, line, key and reason for each error.")
    static final class ValidateCommand implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            PlaybookLoader.Loaded loaded = PlaybookLoader.directory(dir);
            PrintWriter out = spec.commandLine().getOut();
            int tooCostly = 0;
            for (var p : loaded.playbooks()) {
                Costs.Cost cost = Costs.of(p, Expressions.Budget.DEFAULT);
                if (cost.overBudget() != null) {
                    tooCostly++;
                    out.println("too costly " + p.id() + "  (" + p.source() + "): on a 5,000-thread JVM its expressions were "
                            + cost.overBudget() + "; in a diagnosis it would be stopped and listed as not evaluated");
                } else {
                    out.println("ok        " + p.id() + "  (" + p.source() + ")" + cost(cost));
                }
            }
            loaded.disabled().forEach(id -> out.println("disables  " + id));
            printErrors(spec.commandLine().getErr(), loaded.errors());
            return loaded.errors().isEmpty() && tooCostly == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Run the fixtures of DIR: each playbook must fire on DIR/<id>/fires/* and stay quiet on",
                "DIR/<id>/quiet/* (a file, or a directory of files that make one snapshot). Exit 1 on any failure."})
    static final class TestCommand implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (!java.nio.file.Files.isDirectory(dir)) {
                spec.commandLine().getErr().println("sage playbooks test: " + dir + " is not a directory");
                return ExitCodes.USAGE;
            }
            PlaybookLoader.Loaded loaded = PlaybookLoader.withTeamDirectories(List.of(dir));
            printErrors(spec.commandLine().getErr(), loaded.errors());
            List<Fixtures.Case> cases = Fixtures.teamCases(dir);
            int failed = loaded.errors().size();
            int costly = 0;
            for (Fixtures.Case c : cases) {
                Fixtures.Outcome o = Fixtures.run(loaded.playbooks(), c);
                out.printf("%s  %s %s: %s%n", o.passed() ? "PASS" : "FAIL", c.playbookId(),
                        c.mustFire() ? "fires" : "stays quiet", c.name());
                if (!o.passed()) {
                    failed++;
                    out.println("      " + (o.problem() != null ? o.problem()
                            : (o.fired() ? "it fired: " : "it stayed quiet") + String.join(" | ", o.said())));
                }
            }
            for (var p : loaded.playbooks()) {
                Costs.Cost cost = p.expr().isEmpty() ? null : Costs.of(p, Expressions.Budget.DEFAULT);
                if (cost != null && cost.overBudget() != null) {
                    costly++;
                    out.println("FAIL  " + p.id() + " is too costly: on a 5,000-thread JVM its expressions were "
                            + cost.overBudget());
                } else if (cost != null) {
                    out.println("cost  " + p.id() + ":" + cost(cost));
                }
            }
            out.printf("%d passed, %d failed%n", cases.size() - (failed - loaded.errors().size()), failed + costly);
            if (cases.isEmpty()) {
                spec.commandLine().getErr().println("sage playbooks test: " + dir + " has no fixtures (DIR/<id>/fires/*, DIR/<id>/quiet/*)");
                return ExitCodes.FAILED;
            }
            return failed + costly == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** What expressions cost on the large JVM, for authors: empty for a playbook without expressions. */
    static String cost(Costs.Cost cost) {
        return cost.steps() == 0 ? "" : String.format(java.util.Locale.ROOT, "  %,d steps, %d ms on a 5,000-thread JVM",
                cost.steps(), cost.millis());
    }

    static void printErrors(PrintWriter err, List<PlaybookError> errors) {
        for (PlaybookError e : errors) {
            err.println("refused: " + e);
        }
        err.flush();
    }
}
