package dev.sage.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code sage completion bash|zsh}: a completion script for the shell, generated from the commands' own model, so that
 * it names every command, option and fixed value of this build.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a completion script for bash or zsh: the commands, their options and the values they take.",
            "  source <(sage completion bash)      (in ~/.bashrc)",
            "  source <(sage completion zsh)       (in ~/.zshrc)",
            "The distribution archive has both under completion/."})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh", completionCandidates = Shells.class)
    String shell;

    /** The shells a script is written for. */
    static final class Shells implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.List.of("bash", "zsh").iterator();
        }
    }

    @Override
    public Integer call() {
        String script = AutoComplete.bash("sage", spec.parent().commandLine());
        switch (shell) {
            case "bash" -> spec.commandLine().getOut().print(script);
            // zsh runs the bash script through its bashcompinit layer
            case "zsh" -> spec.commandLine().getOut().print("autoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> {
                spec.commandLine().getErr().println("sage completion: bash or zsh, not " + shell);
                return ExitCodes.USAGE;
            }
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
