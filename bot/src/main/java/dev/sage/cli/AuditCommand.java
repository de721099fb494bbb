package dev.sage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.config.BotConfig;
import dev.sage.history.History;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** {@code sage audit tail}: the bot's audit, one line per event, filtered by time and person. */
@Command(name = "audit", mixinStandardHelpOptions = true, subcommands = AuditCommand.Tail.class,
        description = "Reads the bot's audit: every request, refusal and command it ran on a target.")
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = {"Prints the last events of the audit, oldest first.",
                "  sage audit tail --since 1h --user U0123ABCD",
                "  sage audit tail --config sage.yaml --since 1h"})
    static final class Tail implements java.util.concurrent.Callable<Integer> {
        /** Made when the audit is read, not when the command line is built: every command builds every command. */
        private static final class Json {
            static final ObjectMapper MAPPER = new ObjectMapper();
        }
        private static final Set<String> SHOWN_FIRST = Set.of("time", "event", "user", "target", "channel", "thread");

        @Spec
        CommandSpec spec;

        @Option(names = "--file", defaultValue = "sage-audit.jsonl",
                description = "The audit file (audit.file in the bot's configuration; default: ${DEFAULT-VALUE}).")
        Path file;

        @Option(names = "--config", paramLabel = "FILE", description = {"The bot's configuration: its audit.file, or,"
                + " when replicas share a PostgreSQL database (history.url), the audit of them all."})
        Path config;

        @Option(names = "--since", converter = DurationOption.class, description = "Only events this recent, e.g. 30m, 2h.")
        Duration since;

        @Option(names = "--user", description = "Only the events of this Slack user id.")
        String user;

        @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "At most this many events (default: ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Instant from = since == null ? Instant.MIN : Instant.now().minus(since);
            if (config != null) {
                BotConfig cfg = DigestCommand.config(config, err);
                if (cfg == null) {
                    return ExitCodes.USAGE;
                }
                if (cfg.history().shared()) {
                    return shared(cfg.history(), from, out, err);
                }
                file = cfg.auditFile();
            }
            if (!Files.isRegularFile(file)) {
                err.println("sage audit: no audit at " + file + " (the bot writes it where audit.file says)");
                return ExitCodes.USAGE;
            }
            Deque<String> kept = new ArrayDeque<>();
            int unreadable = 0;
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode e;
                    Instant at;
                    try {
                        e = Json.MAPPER.readTree(line);
                        at = Instant.parse(e.path("time").asText(""));
                    } catch (IOException | DateTimeParseException | NullPointerException bad) {
                        unreadable++;
                        continue;
                    }
                    if (at.isBefore(from) || (user != null && !user.equals(e.path("user").asText()))) {
                        continue;
                    }
                    kept.addLast(show(e));
                    if (kept.size() > lines) {
                        kept.removeFirst();
                    }
                }
            } catch (IOException e) {
                err.println("sage audit: cannot read " + file + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            kept.forEach(out::println);
            if (unreadable > 0) {
                err.println("sage audit: " + unreadable + " line(s) of " + file + " are not audit events and were skipped");
            }
            return ExitCodes.OK;
        }

        /** The audit every replica wrote to the database they share. */
        private Integer shared(BotConfig.HistoryStore db, Instant from, PrintWriter out, PrintWriter err) {
            Instant after = from.equals(Instant.MIN) ? Instant.EPOCH : from;
            try (History h = History.open(db.url(), db.user(), db.password(), db.retention())) {
                for (String line : h.auditLines(after, user, lines)) {
                    out.println(show(Json.MAPPER.readTree(line)));
                }
                return ExitCodes.OK;
            } catch (SQLException | IOException e) {
                err.println("sage audit: cannot read the audit in " + db.url() + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        /** {@code 2026-12-07T04:31:02Z command U0123 pod/x in prod (context default): on=… argv=[…]}. */
        static String show(JsonNode e) {
            StringBuilder sb = new StringBuilder(e.path("time").asText()).append(' ').append(e.path("event").asText())
                    .append(' ').append(e.path("user").asText("-")).append(' ').append(e.path("target").asText("-"));
            String sep = ": ";
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!SHOWN_FIRST.contains(f.getKey())) {
                    sb.append(sep).append(f.getKey()).append('=').append(f.getValue().isTextual() ? f.getValue().asText()
                            : f.getValue().toString());
                    sep = " ";
                }
            }
            return sb.toString();
        }
    }
}
