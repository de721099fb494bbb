package dev.sage.cli;

import dev.sage.engine.Explainer;
import dev.sage.render.CliWords;
import dev.sage.service.AnalyzeRequest;
import dev.sage.service.CaptureInput;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sage playbooks explain ID CAPTURE...}: the answer to "why did my playbook not fire?" Each step of the
 * playbook with what it saw, and the first one that stopped it.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Why playbook ID fires or not on these captures: each of its conditions and expressions with",
            "the figures it saw against its thresholds, and the first step that stopped it. Exit 0 when it fires,",
            "1 when it does not."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The playbook, built-in or a team's.")
    String id;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CAPTURE",
            description = "Capture files, directories of them (a fixture), or - for standard input.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--playbooks", paramLabel = "DIR", description = "A team's playbook directory (repeatable).")
    List<Path> dirs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CaptureInput> inputs = CaptureInputs.expand(paths, System.in);
        Explainer.Explanation e;
        try {
            e = new DiagnosisService(DiagnosisService.Settings.fromEnvironment())
                    .explain(id, new AnalyzeRequest(String.join(" ", paths), inputs, List.of(), dirs));
        } catch (DiagnosisException ex) {
            err.println("sage playbooks explain: " + ex.getMessage());
            return ExitCodes.of(ex);
        }
        out.print(dev.sage.render.ExplainText.of(e, CliWords::remedy));
        out.flush();
        return e.fires() ? ExitCodes.OK : ExitCodes.FAILED;
    }

}
