package dev.sage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sage} command. Exit codes: 0 done, 2 bad usage, 3 nothing could be analysed, 1 unexpected failure. */
@Command(name = "sage",
        mixinStandardHelpOptions = true,
        versionProvider = Sage.Version.class,
        description = "On-call assistant for JVM services: reads jcmd/jstack captures and explains them.",
        subcommands = {AnalyzeCommand.class, DiagnoseCommand.class, DemoCommand.class, BotCommand.class, PlaybooksCommand.class,
            CommandLine.HelpCommand.class})
public final class Sage implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Sage());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sage: internal error (please report it): " + e);
            e.printStackTrace(cmd.getErr());
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Sage.class.getPackage().getImplementationVersion();
            return new String[] {"sage " + (v == null ? "(development build)" : v)};
        }
    }
}
