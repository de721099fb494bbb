package dev.sage.cli;

import dev.sage.config.BotConfig;
import dev.sage.digest.DigestResult;
import dev.sage.digest.DigestRunner;
import dev.sage.digest.DigestSpec;
import dev.sage.digest.Fleet;
import dev.sage.render.DigestText;
import dev.sage.service.HostGroups;
import dev.sage.slack.DigestPost;
import dev.sage.slack.SlackApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.Callable;

/** {@code sage digest run|list}: the fleet health digests of a bot configuration, from a terminal. */
@Command(name = "digest", mixinStandardHelpOptions = true, subcommands = {DigestCommand.Run.class, DigestCommand.List.class},
        description = "Runs a fleet health digest now, or lists the digests and when they next run.")
final class DigestCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** The configuration, or null after saying why it cannot be read. */
    static BotConfig config(Path file, PrintWriter err) {
        try {
            return BotConfig.load(file, System::getenv);
        } catch (IllegalArgumentException e) {
            err.println("sage digest: " + e.getMessage());
            return null;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs a digest now over its fleet and prints it; --post posts it to its channel as well.",
                "  sage digest run daily --config sage.yaml"})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The digest, as digests[].name in the configuration names it.")
        String name;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The bot's configuration.")
        Path config;

        @Option(names = "--post", description = "Post it to its channel too (SLACK_BOT_TOKEN or slack.bot_token).")
        boolean post;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            BotConfig cfg = config(config, err);
            if (cfg == null) {
                return ExitCodes.USAGE;
            }
            Optional<DigestSpec> digest = cfg.digest(name);
            if (digest.isEmpty()) {
                err.println("sage digest: " + config + " has no digest '" + name + "'" + (cfg.digests().isEmpty()
                        ? " (it has none: see digests: in deploy/config/sage.yaml)"
                        : "; it has " + String.join(", ", cfg.digests().stream().map(DigestSpec::name).toList())));
                return ExitCodes.USAGE;
            }
            if (post && cfg.slack().botToken().isEmpty()) {
                err.println("sage digest: --post needs SLACK_BOT_TOKEN (or slack.bot_token)");
                return ExitCodes.USAGE;
            }
            // the command line runs with its user's own credentials: no audit, as for sage diagnose
            var service = SlackApp.service(cfg, config.toString(), false);
            Path hostGroups = cfg.hostGroups().file().orElseGet(HostGroups::file);
            Fleet.Listing fleet = Fleet.of(digest.get(), hostGroups);
            err.println("sage digest: " + fleet.targets().size() + " JVMs in " + name + ", "
                    + digest.get().concurrency() + " at a time…");
            err.flush();
            dev.sage.history.History history = null;
            try {
                history = SlackApp.history(cfg);
            } catch (IllegalArgumentException e) {
                err.println("sage digest: " + e.getMessage() + "; running without trends");
            }
            DigestResult result;
            try {
                result = new DigestRunner(service, null, history).run(digest.get(), fleet, s -> { });
            } finally {
                if (history != null) {
                    history.close();
                }
            }
            out.print(DigestText.render(result));
            out.flush();
            if (post && DigestPost.post(SlackApp.web(cfg), result).isEmpty()) {
                err.println("sage digest: Slack did not take the post to " + digest.get().channel() + " (see the log above)");
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the digests of a configuration, their schedules and their next three runs.",
                "  sage digest list --config sage.yaml"})
    static final class List implements Callable<Integer> {
        private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z");

        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The bot's configuration.")
        Path config;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            BotConfig cfg = config(config, spec.commandLine().getErr());
            if (cfg == null) {
                return ExitCodes.USAGE;
            }
            if (cfg.digests().isEmpty()) {
                out.println("No digests in " + config + " (see digests: in deploy/config/sage.yaml).");
                return ExitCodes.OK;
            }
            for (DigestSpec d : cfg.digests()) {
                out.println(d.name() + "  \"" + d.cron() + "\" (" + d.zone() + ") to " + d.channel() + ": " + targets(d));
                org.quartz.CronExpression cron = new org.quartz.CronExpression(d.cron());
                cron.setTimeZone(TimeZone.getTimeZone(d.zone()));
                Date next = new Date();
                for (int i = 0; i < 3 && (next = cron.getNextValidTimeAfter(next)) != null; i++) {
                    out.println("  next: " + WHEN.format(ZonedDateTime.ofInstant(next.toInstant(), d.zone())));
                }
            }
            return ExitCodes.OK;
        }

        private static String targets(DigestSpec d) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            if (d.targets().local()) {
                parts.add("this machine's JVMs");
            }
            d.targets().hostGroups().forEach(g -> parts.add("hosts/" + g));
            d.targets().kubernetes().forEach(p -> parts.add("pods " + (p.selector().isEmpty() ? "" : p.selector() + " ")
                    + "in " + String.join(", ", p.namespaces()) + p.context().map(c -> " (context " + c + ")").orElse("")));
            return String.join("; ", parts);
        }
    }
}
