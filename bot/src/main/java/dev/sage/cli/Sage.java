package dev.sage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sage} command. Exit codes: 0 done, 2 bad usage, 3 nothing could be analysed, 1 unexpected failure. */
@Command(name = "sage",
        mixinStandardHelpOptions = true,
        versionProvider = Sage.Version.class,
        description = "On-call assistant for JVM services: reads jcmd/jstack captures and explains them.",
        subcommands = {AnalyzeCommand.class, DiagnoseCommand.class, ProfileCommand.class, DemoCommand.class, BotCommand.class, PlaybooksCommand.class, AuditCommand.class, DigestCommand.class,
            CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Sage implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Sage());
        // what a capture holds never reaches the terminal as control characters (so no ANSI colours of our own either)
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setOut(new java.io.PrintWriter(new TerminalWriter(new java.io.OutputStreamWriter(System.out,
                java.nio.charset.StandardCharsets.UTF_8)), true));
        cl.setErr(new java.io.PrintWriter(new TerminalWriter(new java.io.OutputStreamWriter(System.err,
                java.nio.charset.StandardCharsets.UTF_8)), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sage: internal error (please report it): " + e);
            e.printStackTrace(cmd.getErr());
            return ExitCodes.FAILED;
        });
        if (args.length > 0 && !args[0].startsWith("-") && !cl.getSubcommands().containsKey(args[0])) {
            // without this, "sage NOSUCHCOMMAND --help" would print the top-level help and exit 0
            cl.getErr().println("sage: '" + args[0] + "' is not a command; the commands are "
                    + String.join(", ", cl.getSubcommands().keySet()) + " (sage --help)");
            cl.getErr().flush();
            return ExitCodes.USAGE;
        }
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println("sage: " + dev.sage.service.MemoryGuard.outOfMemory("on this input"));
            cl.getErr().flush();
            return ExitCodes.NOTHING_ANALYSED;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sage 0.1.0 (git 3f55cb9e1a)}, from what the build wrote; a build outside git says so. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.Properties p = new java.util.Properties();
            try (var in = Sage.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (java.io.IOException e) {
                // told below as a development build
            }
            String version = p.getProperty("version", "");
            String commit = p.getProperty("commit", "");
            return new String[] {"sage " + (version.isEmpty() || version.startsWith("${") ? "(development build)" : version)
                    + (commit.isEmpty() || commit.startsWith("${") ? " (not built from git)" : " (git " + commit + ")"),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}
