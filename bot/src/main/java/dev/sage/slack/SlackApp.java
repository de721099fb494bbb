package dev.sage.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import dev.sage.config.BotConfig;
import dev.sage.config.ConfigScope;
import dev.sage.service.DiagnosisService;
import dev.sage.service.HostGroups;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Puts the bot together from its configuration: the Slack client (Web API at {@code slack.api_url}), the diagnosis
 * service limited to what the configuration lists, and Bolt; then serves it over Socket Mode or HTTP.
 */
public final class SlackApp {
    private SlackApp() {}

    /** The diagnosis service the bot uses: only the targets the configuration lists, its SSH settings and playbooks. */
    public static DiagnosisService service(BotConfig config, String configFile) {
        return service(config, configFile, true);
    }

    /**
     * As {@link #service(BotConfig, String)}; {@code audited}: every command on record (the bot), or run with the
     * user's own credentials (the command line).
     */
    public static DiagnosisService service(BotConfig config, String configFile, boolean audited) {
        DiagnosisService.SshSettings defaults = DiagnosisService.SshSettings.defaults();
        DiagnosisService.SshSettings ssh = new DiagnosisService.SshSettings(config.ssh().config().orElse(defaults.config()),
                config.ssh().knownHosts().orElse(defaults.knownHosts()), config.ssh().identities());
        // the bot keeps its team playbooks and reloads them on change (SageBot's watcher); the command line reads them
        dev.sage.playbook.TeamCatalogue catalogue = !audited || config.playbooks().isEmpty() ? null
                : new dev.sage.playbook.TeamCatalogue(config.playbookPaths(), DiagnosisService.builtins());
        // a directory bound to targets judges only those: found by its path, in the order of the configuration
        dev.sage.service.PlaybookScope scope = (dir, request, context) -> config.playbooks().stream()
                .filter(d -> d.dir().equals(dir)).findFirst()
                .map(d -> d.appliesTo(ConfigScope.place(config, request, context))).orElse(false);
        return new DiagnosisService(new DiagnosisService.Settings(ssh, config.hostGroups().file().orElseGet(HostGroups::file),
                config.playbookPaths(), new ConfigScope(config, configFile), audited), catalogue, scope);
    }

    /** The bot, talking to the Web API at the configured address. */
    public static SageBot bot(BotConfig config, DiagnosisService service) {
        Slack slack = slack(config);
        String token = config.slack().botToken();
        AppConfig app = AppConfig.builder()
                .singleTeamBotToken(token)
                .signingSecret(config.slack().signingSecret().isEmpty() ? null : config.slack().signingSecret())
                .slack(slack)
                .build();
        dev.sage.history.History history = history(config);
        dev.sage.audit.AuditLog audit;
        try {
            audit = audit(config, history);
        } catch (java.io.IOException e) {
            if (history != null) {
                history.close();
            }
            throw new IllegalArgumentException("cannot open the audit file " + config.auditFile() + " (audit.file): "
                    + e.getMessage() + "; Sage runs nothing it cannot audit");
        }
        return new SageBot(config, service, web(config, slack), app, audit, history);
    }

    /**
     * The audit the configuration names: its file, and where replicas share a database ({@code history} on
     * PostgreSQL), that database too. A line that either refuses is not on record.
     */
    public static dev.sage.audit.AuditLog audit(BotConfig config, dev.sage.history.History history) throws java.io.IOException {
        if (history == null || !config.history().shared()) {
            return dev.sage.audit.AuditLog.open(config.auditFile());
        }
        return dev.sage.audit.AuditLog.open(config.auditFile(), (at, event, user, line) -> {
            try {
                history.audit(at, event, user, line);
            } catch (java.sql.SQLException e) {
                throw new java.io.IOException("the shared audit in " + history.url() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The history the configuration names, opened and migrated; null when none is kept.
     *
     * @throws IllegalArgumentException when it cannot be opened, with the database's reason
     */
    public static dev.sage.history.History history(BotConfig config) {
        BotConfig.HistoryStore h = config.history();
        if (!h.on()) {
            return null;
        }
        try {
            return dev.sage.history.History.open(h.url(), h.user(), h.password(), h.retention());
        } catch (java.sql.SQLException e) {
            throw new IllegalArgumentException("cannot open the history at " + h.url() + " (history.url): "
                    + e.getMessage());
        }
    }

    /** The Web API client, at the configured address, with the bot token. */
    public static SlackWeb web(BotConfig config) {
        return web(config, slack(config));
    }

    private static Slack slack(BotConfig config) {
        SlackConfig slackConfig = new SlackConfig();
        slackConfig.setMethodsEndpointUrlPrefix(config.slack().apiUrl());
        slackConfig.setPrettyResponseLoggingEnabled(false);
        return Slack.getInstance(slackConfig);
    }

    private static SlackWeb web(BotConfig config, Slack slack) {
        String token = config.slack().botToken();
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(60)).build();
        java.util.Set<String> fileHosts = new java.util.HashSet<>(java.util.Set.of("files.slack.com"));
        okhttp3.HttpUrl api = okhttp3.HttpUrl.parse(config.slack().apiUrl());
        if (api != null) {
            fileHosts.add(api.host());
        }
        return new SlackWeb(slack.methods(token), token, http, Duration.ofMillis(500), fileHosts);
    }

    /** Connects over Socket Mode (no public endpoint); returns once connected. */
    public static SocketModeApp socketMode(SageBot bot, String appToken) throws Exception {
        SocketModeApp socket = new SocketModeApp(appToken, SocketModeClient.Backend.JavaWebSocket, bot.app());
        socket.startAsync();
        bot.linkedBy(() -> !socket.isClientStopped() && socket.getClient() != null && socket.getClient().verifyConnection());
        return socket;
    }

    /** Serves Slack's HTTP requests on {@code address}, at {@code /slack/events}. */
    public static SlackHttp http(SageBot bot, InetSocketAddress address) throws IOException {
        try {
            bot.app().start();
        } catch (Exception e) {
            throw new IOException("could not check the bot token with " + bot.app().config().getSlack().getConfig()
                    .getMethodsEndpointUrlPrefix() + "auth.test (" + e.getMessage() + ")", e);
        }
        SlackHttp http = SlackHttp.start(bot.app(), bot.alerts(), bot.metrics(), bot::ready, address);
        // the bot token was accepted (auth.test) and Slack's requests are served
        bot.linkedBy(() -> true);
        return http;
    }

    /**
     * In Socket Mode, where nothing else listens: Alertmanager's webhook (when configured), {@code /metrics} and
     * {@code /healthz} on {@code address}.
     */
    public static SlackHttp monitoring(SageBot bot, InetSocketAddress address) throws IOException {
        return SlackHttp.start(null, bot.alerts(), bot.metrics(), bot::ready, address);
    }
}
