package dev.sage.cli;

import dev.sage.config.BotConfig;
import dev.sage.service.DiagnosisService;
import dev.sage.slack.SageBot;
import dev.sage.slack.SlackApp;
import dev.sage.slack.SlackHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sage bot}: runs the Slack app until stopped. */
@Command(name = "bot",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Slack bot: mention it with a pod name and it answers in the thread.",
            "Socket Mode by default (SLACK_BOT_TOKEN, SLACK_APP_TOKEN; no public endpoint),",
            "or HTTP with --http (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET; at /slack/events).",
            "It touches only what --config lists."},
        footer = {"", "Exit codes: 0 stopped, 2 bad usage or configuration, 1 could not start.",
            "", "Examples:", "  sage bot --config /etc/sage/sage.yaml", "  sage bot --config sage.yaml --http 3000"})
final class BotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration (see deploy/config/sage.yaml): what the bot may touch, its defaults and limits."
                    + " Without it, the bot answers but may diagnose nothing.")
    Path config;

    @Option(names = "--http", paramLabel = "PORT", description = "Serve Slack's HTTP requests on this port instead of Socket Mode.")
    Integer httpPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "The address --http listens on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        BotConfig cfg;
        try {
            cfg = config == null ? BotConfig.empty(System::getenv) : BotConfig.load(config, System::getenv);
        } catch (IllegalArgumentException e) {
            err.println("sage bot: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String missing = cfg.slack().botToken().isEmpty() ? "SLACK_BOT_TOKEN (the app's xoxb- token)"
                : httpPort == null && cfg.slack().appToken().isEmpty() ? "SLACK_APP_TOKEN (an xapp- token with"
                + " connections:write, for Socket Mode; or use --http)"
                : httpPort != null && cfg.slack().signingSecret().isEmpty() ? "SLACK_SIGNING_SECRET (for --http)" : null;
        if (missing != null) {
            err.println("sage bot: set " + missing + " in the environment or in the configuration's slack: section");
            return ExitCodes.USAGE;
        }
        if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
            err.println("sage bot: --http must be a TCP port (0 to 65535)");
            return ExitCodes.USAGE;
        }
        String file = config == null ? "the configuration (none given)" : config.toString();
        DiagnosisService service = SlackApp.service(cfg, file);
        SageBot bot;
        try {
            bot = SlackApp.bot(cfg, service);
        } catch (IllegalArgumentException e) {
            err.println("sage bot: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AutoCloseable server;
        try {
            if (httpPort != null) {
                SlackHttp http = SlackApp.http(bot, new InetSocketAddress(bind, httpPort));
                err.println("sage bot: serving Slack on http://" + bind + ":" + http.port() + "/slack/events, /metrics,"
                        + " /healthz" + (cfg.alerts().on() ? " and Alertmanager's webhook on /alerts" : ""));
                server = http;
            } else {
                var socket = SlackApp.socketMode(bot, cfg.slack().appToken());
                SlackHttp side = SlackApp.monitoring(bot, new InetSocketAddress(bind, cfg.alerts().port()));
                server = () -> {
                    socket.close();
                    side.close();
                };
                String at = "http://" + bind + ":" + side.port();
                err.println("sage bot: connected to Slack over Socket Mode; " + at + "/metrics, " + at + "/healthz"
                        + (cfg.alerts().on() ? ", Alertmanager's webhook on " + at + "/alerts" : ""));
            }
        } catch (Exception e) {
            bot.close();
            err.println("sage bot: could not start: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        dev.sage.digest.DigestScheduler schedule = null;
        if (!cfg.digests().isEmpty()) {
            try {
                BotConfig.HistoryStore h = cfg.history();
                // a database the replicas share holds one clustered schedule: each digest fires on one replica
                schedule = new dev.sage.digest.DigestScheduler(cfg.digests(), bot::runDigest,
                        h.shared() ? new dev.sage.digest.DigestScheduler.Shared(h.url(), h.user(), h.password(),
                                "sage-digests", java.time.Duration.ofSeconds(15)) : null);
                for (var d : cfg.digests()) {
                    err.println("sage bot: digest " + d.name() + " to " + d.channel() + ", next at "
                            + schedule.next(d.name()).map(String::valueOf).orElse("never (the expression has no future time)"));
                }
            } catch (org.quartz.SchedulerException e) {
                err.println("sage bot: the digests could not be scheduled: " + e.getMessage());
            }
        }
        dev.sage.digest.DigestScheduler digests = schedule;
        err.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (digests != null) {
                digests.close();
            }
            try {
                server.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            bot.close();
            stopped.countDown();
        }, "sage-bot-stop"));
        stopped.await();
        return ExitCodes.OK;
    }
}
