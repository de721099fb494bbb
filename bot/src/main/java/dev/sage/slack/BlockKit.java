package dev.sage.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sage.diagnosis.Comparison;
import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.NotEvaluated;
import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.diagnosis.Units;
import dev.sage.digest.DigestResult;
import dev.sage.digest.TargetSummary;
import dev.sage.render.DigestText;
import dev.sage.render.TextReport;
import dev.sage.service.DiagnosisException;
import dev.sage.service.Report;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadFamilies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders Sage's replies as Block Kit within Slack's limits: at most {@value #MAX_BLOCKS} blocks, {@value #MAX_TEXT}
 * characters per section text, {@value #MAX_HEADER} per header, {@value #MAX_CONTEXT} elements per context block. What
 * does not fit is cut with a line that says the full report is attached. Every text from the target or a person is
 * escaped ({@link Mrkdwn}). Pure and thread-safe.
 */
public final class BlockKit {
    static final int MAX_BLOCKS = 50;
    static final int MAX_TEXT = 3000;
    static final int MAX_HEADER = 150;
    static final int MAX_CONTEXT = 10;
    static final int MAX_BUTTON_TEXT = 75;
    static final int MAX_VALUE = 2000;
    /** The notification text, kept short (Slack truncates a message's text past 40,000 characters). */
    static final int MAX_FALLBACK = 3000;

    /** Action ids of the buttons under a diagnosis. */
    static final String RERUN = "sage_rerun";
    static final String COMPARE = "sage_compare";
    static final String WATCH = "sage_watch";
    static final String RAW = "sage_raw";
    static final String PROFILE = "sage_profile";
    /** An action: {@code sage_act_trim_native_heap}. */
    static final String ACT = "sage_act_";
    /** Block Kit's limits for a confirmation dialog. */
    private static final int MAX_CONFIRM_TITLE = 100;
    private static final int MAX_CONFIRM_TEXT = 300;
    private static final int MAX_CONFIRM_BUTTON = 30;

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private BlockKit() {}

    /**
     * A message: its notification text and its blocks.
     *
     * @param cut whether something did not fit and the full report should be attached
     */
    public record Message(String text, List<Map<String, Object>> blocks, boolean cut) {
        public Message {
            blocks = List.copyOf(blocks);
        }

        public String blocksJson() {
            try {
                return JSON.writeValueAsString(blocks);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The acknowledgement, then the progress of a diagnosis: what is being done, and the steps done so far. */
    public static Message progress(String doing, List<String> steps) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(section(":hourglass_flowing_sand: " + doing));
        if (!steps.isEmpty()) {
            List<String> lines = steps.stream().map(s -> ":white_check_mark: " + Mrkdwn.escape(s)).toList();
            blocks.add(context(List.of(Mrkdwn.cut(String.join("\n", lines), MAX_TEXT))));
        }
        return new Message(Mrkdwn.cut(plain(doing), MAX_FALLBACK), blocks, false);
    }

    /**
     * A diagnosis: headline, summary, memory, findings with evidence and fixes, the sibling comparison, what could
     * not be judged, problems, and the buttons.
     *
     * @param again the target the buttons act on; null for captures a person shared (no buttons)
     * @param partial whether later rounds are still being collected (no buttons yet; a line says what comes)
     * @param pending what is still being done, shown when partial
     */
    public static Message report(Report report, Again again, boolean partial, String pending) {
        return report(report, again, partial, pending, List.of());
    }

    /** As {@link #report(Report, Again, boolean, String)}, with the actions offered under it, each behind a dialog. */
    static Message report(Report report, Again again, boolean partial, String pending, List<ActionWords.Offer> offers) {
        Diagnosis d = report.diagnosis();
        SnapshotDigest digest = SnapshotDigest.of(report.snapshot());
        List<Map<String, Object>> blocks = new ArrayList<>();
        String icon = d.findings().isEmpty() ? ":large_green_circle:" : icon(d.findings().get(0));
        String name = again == null ? d.target() : again.target();
        blocks.add(header(icon + " " + name + ": " + d.headline()));
        // the header says what was found: the section names the JVM and its figures, not the headline again
        String figures = digest.summaryLine();
        blocks.add(section("*" + Mrkdwn.escape(d.target()) + "*\n" + Mrkdwn.escape(figures.isEmpty() ? d.summary() : figures)));
        List<String> about = new ArrayList<>();
        if (!d.jvm().isEmpty()) {
            about.add("JVM: " + Mrkdwn.escape(d.jvm()) + (report.snapshot().uptimeSeconds() == null ? ""
                    : ", up " + Units.duration(report.snapshot().uptimeSeconds())));
        }
        d.notes().forEach(n -> about.add(Mrkdwn.escape(n)));
        if (!about.isEmpty()) {
            blocks.add(context(about));
        }
        blocks.add(section(Mrkdwn.cut("*Memory*: " + Mrkdwn.escape(TextReport.memoryLine(digest)) + threads(digest)
                + (report.snapshot().profile() == null ? "" : "\n*Profile*: "
                + Mrkdwn.escape(dev.sage.render.ProfileText.summary(report.snapshot().profile()))), MAX_TEXT)));
        if (partial) {
            blocks.add(context(List.of(":hourglass_flowing_sand: " + pending)));
        }

        List<Map<String, Object>> tail = new ArrayList<>();
        d.comparison().ifPresent(c -> tail.add(section(comparison(c))));
        if (!d.notEvaluated().isEmpty() && !partial) {
            tail.add(context(List.of("_Not evaluated_: " + d.notEvaluated().stream().map(BlockKit::notEvaluated)
                    .collect(Collectors.joining("; ")))));
        }
        if (!report.snapshot().problems().isEmpty()) {
            List<Problem> ps = report.snapshot().problems();
            tail.add(context(List.of("_Problems_: " + ps.stream().limit(5).map(p -> Mrkdwn.escape(p.toString()))
                    .collect(Collectors.joining("; ")) + (ps.size() > 5 ? "; and " + (ps.size() - 5) + " more" : ""))));
        }
        if (!partial && again != null) {
            boolean profile = d.findings().stream().anyMatch(f -> PROFILED.contains(f.id()));
            tail.add(buttons(again, profile ? Optional.of(again.withPid(report.snapshot().pid())) : Optional.empty()));
            if (!offers.isEmpty()) {
                tail.add(actions(again.withPid(report.snapshot().pid()), offers));
            }
        }

        boolean cut = false;
        int room = MAX_BLOCKS - blocks.size() - tail.size() - 1; // one for a "more in the file" line
        if (!d.findings().isEmpty()) {
            blocks.add(divider());
            room--;
        }
        for (int i = 0; i < d.findings().size(); i++) {
            if (i >= room) {
                blocks.add(context(List.of((d.findings().size() - i) + " more finding(s) are in the attached report.")));
                cut = true;
                break;
            }
            String text = finding(d.findings().get(i));
            if (text.length() > MAX_TEXT) {
                text = Mrkdwn.cut(text, MAX_TEXT - 60) + "\n_(cut: the full evidence is in the attached report)_";
                cut = true;
            }
            blocks.add(section(text));
        }
        blocks.addAll(tail);
        String fallback = plain(icon + " " + name + ": " + d.summary());
        return new Message(Mrkdwn.cut(Mrkdwn.escape(fallback), MAX_FALLBACK), blocks, cut);
    }

    /** A failure: what failed, what to try, and the closest names as buttons ({@code again} null: no buttons). */
    public static Message failure(String what, DiagnosisException e, Again again) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        String icon = switch (e.kind()) {
            case BAD_REQUEST, NOT_ALLOWED -> ":no_entry_sign:";
            case TIMEOUT -> ":stopwatch:";
            default -> ":warning:";
        };
        String message = Mrkdwn.escape(e.getMessage() == null ? e.kind().name() : e.getMessage());
        blocks.add(section(icon + " *" + Mrkdwn.escape(what) + "*\n" + Mrkdwn.cut(message, MAX_TEXT - 200)));
        if (!e.remedies().isEmpty()) {
            blocks.add(context(List.of("What you can do: " + e.remedies().stream().map(SlackWords::remedy)
                    .collect(Collectors.joining("; ")))));
        }
        // captures a person shared (again null): nothing to click
        if (again != null && !e.candidates().isEmpty()) {
            List<Map<String, Object>> elements = new ArrayList<>();
            List<String> names = e.candidates().stream().limit(5).toList();
            for (int i = 0; i < names.size(); i++) {
                elements.add(button("Diagnose " + names.get(i), RERUN + "_" + (i + 1), again.withTarget(names.get(i)).encode(),
                        null));
            }
            blocks.add(section("Did you mean one of these?"));
            blocks.add(obj("type", "actions", "elements", elements));
        } else if (again != null && e.kind() != DiagnosisException.Kind.BAD_REQUEST
                && e.kind() != DiagnosisException.Kind.NOT_ALLOWED) {
            blocks.add(obj("type", "actions", "elements", List.of(button("Try again", RERUN, again.encode(), null))));
        }
        return new Message(Mrkdwn.cut(Mrkdwn.escape(what + ": " + e.getMessage()), MAX_FALLBACK), blocks, false);
    }

    /** Help: what Sage understands, with examples; {@code why} says what was not understood. */
    public static Message help(String why, String defaultNamespace) {
        String ns = defaultNamespace.isEmpty() ? "" : " (namespace " + Mrkdwn.escape(defaultNamespace) + " unless you say)";
        String text = (why.isEmpty() ? "" : Mrkdwn.escape(why) + "\n") + "*What Sage can do*" + ns + "\n"
                + "• `diagnose payments-7d9f8-x2kq -n prod`, `payments-7d9f8-x2kq in prod`, `what's wrong with payments`"
                + " (a pod name, a prefix of one, `namespace/pod` or a pasted pod link)\n"
                + "• `compare payments-7d9f8-x2kq with auto` (a healthy sibling) or `with OTHER-POD`\n"
                + "• `watch payments-7d9f8-x2kq for 30s`: several rounds, for growth and stuck threads\n"
                + "• `profile payments-7d9f8-x2kq for 30s`: a flight recording: who allocates, where the CPU goes\n"
                + "• `diagnose payments-7d9f8-x2kq --profile 30s`: a diagnosis, then a recording, so that a leak's findings"
                + " name the code that starts the threads or fills the map\n"
                + "• `analyze` with a dump file shared in the message or earlier in the thread, or a dump pasted in a"
                + " ``` code block\n"
                + "• `playbooks`: the playbooks in force, and any team file refused; `playbooks reload` (admins) reads them now\n"
                + "• `explain PLAYBOOK` in a diagnosis thread: why that playbook fired or not on the captures there\n"
                + "Mention me in a channel, message me directly, or use `/sage`.";
        return new Message(why.isEmpty() ? "What Sage can do" : Mrkdwn.cut(Mrkdwn.escape(why), MAX_FALLBACK),
                List.of(section(text)), false);
    }

    /** A plain message: one section of mrkdwn that the caller escaped. */
    public static Message text(String mrkdwn) {
        return new Message(Mrkdwn.cut(plain(mrkdwn), MAX_FALLBACK), List.of(section(Mrkdwn.cut(mrkdwn, MAX_TEXT))), false);
    }

    static String notEvaluated(NotEvaluated n) {
        return Mrkdwn.escape(n.what()) + (n.remedies().isEmpty() ? ""
                : " (" + n.remedies().stream().map(SlackWords::remedy).collect(Collectors.joining("; ")) + ")");
    }

    private static String threads(SnapshotDigest d) {
        if (d.threadCount() == 0) {
            return "";
        }
        String states = d.nonZeroStates().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .collect(Collectors.joining(", "));
        StringBuilder out = new StringBuilder("\n*Threads*: " + d.threadCount() + " (" + states + ")");
        if (d.threadCountSeries().size() > 1) {
            out.append(", over ").append(d.threadCountSeries().size()).append(" dumps: ")
                    .append(d.threadCountSeries(" → "));
        }
        List<ThreadFamilies.Family> big = d.families().stream().filter(f -> f.count() > 1).limit(3).toList();
        if (!big.isEmpty()) {
            out.append("; largest families: ").append(big.stream()
                    .map(f -> "`" + Mrkdwn.code(Mrkdwn.cut(f.pattern().isEmpty() ? "(unnamed)" : f.pattern(), 60)) + "` ×" + f.count())
                    .collect(Collectors.joining(", ")));
        }
        return out.toString();
    }

    private static String finding(Finding f) {
        StringBuilder out = new StringBuilder();
        out.append(icon(f)).append(" *").append(Mrkdwn.escape(f.title())).append("*  `").append(f.id()).append("`\n");
        // evidence quotes the target (thread names, frames): no backtick of theirs may open a code block in ours
        f.evidence().stream().limit(6).forEach(e -> out.append("> ").append(Mrkdwn.code(Mrkdwn.cut(e, 300))).append('\n'));
        if (f.evidence().size() > 6) {
            out.append("> _and ").append(f.evidence().size() - 6).append(" more lines_\n");
        }
        f.fixes().stream().limit(3).forEach(x -> out.append(":wrench: ").append(Mrkdwn.escape(Mrkdwn.cut(x, 400))).append('\n'));
        return out.toString().stripTrailing();
    }

    private static String comparison(Comparison c) {
        StringBuilder rows = new StringBuilder();
        for (var group : List.of(Map.entry("memory", c.memory()), Map.entry("thread families", c.threadFamilies()),
                Map.entry("classes", c.classes()))) {
            if (!group.getValue().isEmpty()) {
                rows.append(group.getKey()).append(":\n");
                group.getValue().stream().limit(5).forEach(x -> rows.append(String.format(Locale.ROOT, "  %-40s %10s / %s%n",
                        Mrkdwn.cut(x.what(), 40), x.jvm(), x.sibling())));
            }
        }
        if (rows.isEmpty()) {
            rows.append("no figure differs enough to show\n");
        }
        return "*Compared with the healthy sibling* (this JVM / sibling)\n```" + Mrkdwn.cut(Mrkdwn.code(rows.toString()),
                MAX_TEXT - 100) + "```";
    }

    /** Services shown in a digest message; the rest are in the attached table. */
    static final int DIGEST_SERVICES = 20;
    /** Targets named under one service in a digest message. */
    private static final int DIGEST_TARGETS = 3;

    /**
     * A fleet digest: the counts, then each service worst first with its worst targets' top findings and figures, and a
     * button to diagnose each target listed; what could not be covered last. {@link Message#cut()} when services were left
     * to the attached table.
     */
    static Message digest(DigestResult r) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        Map<TargetSummary.Status, Integer> c = r.counts();
        blocks.add(header(":bar_chart: Fleet health: " + r.spec().name()));
        blocks.add(context(List.of(r.targets().size() + " JVMs in " + Units.duration(r.took().toMillis() / 1000.0) + ": "
                + ":red_circle: " + c.get(TargetSummary.Status.CRITICAL) + " critical · "
                + ":large_orange_circle: " + c.get(TargetSummary.Status.WARNING) + " warning · "
                + ":large_green_circle: " + c.get(TargetSummary.Status.HEALTHY) + " healthy · "
                + ":white_circle: " + c.get(TargetSummary.Status.UNREACHABLE) + " unreachable")));
        blocks.add(divider());
        var services = r.services();
        int shown = 0;
        for (Map.Entry<String, List<TargetSummary>> service : services.entrySet()) {
            if (shown == DIGEST_SERVICES) {
                break;
            }
            List<TargetSummary> targets = service.getValue();
            TargetSummary worst = targets.get(0);
            StringBuilder text = new StringBuilder(status(worst.status()) + " *" + Mrkdwn.escape(service.getKey()) + "* ("
                    + targets.size() + " JVM" + (targets.size() == 1 ? "" : "s") + ")");
            targets.stream().limit(DIGEST_TARGETS).forEach(t -> text.append("\n`").append(Mrkdwn.code(t.target().name()))
                    .append("`: ").append(Mrkdwn.escape(DigestText.line(t))));
            if (targets.size() > DIGEST_TARGETS) {
                text.append("\n_and ").append(targets.size() - DIGEST_TARGETS).append(" more_");
            }
            Map<String, Object> section = section(Mrkdwn.cut(text.toString(), MAX_TEXT));
            shown++;
            List<TargetSummary> listed = targets.subList(0, Math.min(DIGEST_TARGETS, targets.size()));
            if (listed.size() == 1) {
                section.put("accessory", button("Diagnose", RERUN + "_d" + shown, diagnose(worst), null));
                blocks.add(section);
            } else {
                // a button for each JVM listed: any of them may be the one to look at
                blocks.add(section);
                List<Map<String, Object>> buttons = new ArrayList<>();
                for (int i = 0; i < listed.size(); i++) {
                    buttons.add(button("Diagnose " + listed.get(i).target().button(), RERUN + "_d" + shown + "_" + i,
                            diagnose(listed.get(i)), null));
                }
                blocks.add(obj("type", "actions", "elements", buttons));
            }
        }
        boolean cut = services.size() > shown;
        if (cut) {
            blocks.add(context(List.of((services.size() - shown) + " more services are in the attached table.")));
        }
        if (!r.problems().isEmpty()) {
            blocks.add(context(List.of(Mrkdwn.cut("_Not covered_: " + r.problems().stream().map(Mrkdwn::escape)
                    .collect(Collectors.joining("; ")), MAX_TEXT))));
        }
        return new Message(Mrkdwn.cut(Mrkdwn.escape(DigestText.headline(r)), MAX_FALLBACK), blocks, cut);
    }

    /**
     * A profile: what was recorded, then the rankings as the terminal shows them (frames are the target's words, so
     * they go in a code block, never as mrkdwn), cut to fit; the flame graphs and the full text are attached under it.
     */
    static Message profile(dev.sage.service.ProfileReport r, String user) {
        String text = dev.sage.render.ProfileText.render(r);
        int newline = text.indexOf('\n');
        String headline = newline < 0 ? text : text.substring(0, newline);
        String body = newline < 0 ? "" : text.substring(newline + 1).strip();
        List<Map<String, Object>> blocks = new ArrayList<>();
        boolean person = user != null && user.matches("[UW][A-Z0-9]{1,20}");
        blocks.add(section(Mrkdwn.cut(":mag: " + Mrkdwn.escape(headline)
                + (person ? ", for " + dev.sage.access.Access.mention(user) : ""), MAX_TEXT)));
        String code = Mrkdwn.code(body);
        boolean cut = code.length() > MAX_TEXT - 8;
        blocks.add(section("```" + Mrkdwn.cut(code, MAX_TEXT - 8) + "```"));
        if (!r.took().isZero()) {
            List<String> held = r.profile().privateEvents();
            blocks.add(context(List.of(held.isEmpty()
                    ? "The flame graphs, the full text and the recording (for JDK Mission Control) are attached below."
                    : Mrkdwn.cut("The flame graphs and the full text are attached below. The recording holds what must not"
                    + " leave the JVM's machine (" + Mrkdwn.escape(String.join(", ", held)) + "), so it stays off Slack:"
                    + " `sage profile --out FILE.jfr` keeps it for JDK Mission Control.", MAX_TEXT))));
        }
        return new Message(Mrkdwn.cut(Mrkdwn.escape(headline), MAX_FALLBACK), blocks, cut);
    }

    /** A profile recorded beside {@code before}'s: the profile, then what moved from the other JVM to this one. */
    static Message profile(dev.sage.service.ProfileReport r, dev.sage.service.ProfileReport before, String user) {
        Message one = profile(r, user);
        List<Map<String, Object>> blocks = new ArrayList<>(one.blocks());
        String diff = Mrkdwn.code(dev.sage.render.ProfileText.diff(before, r).strip());
        blocks.add(blocks.size() - (r.took().isZero() ? 0 : 1), section("```" + Mrkdwn.cut(diff, MAX_TEXT - 8) + "```"));
        return new Message(one.text(), blocks, one.cut() || diff.length() > MAX_TEXT - 8);
    }

    /** How a diagnosis compares with the last time its JVM was seen ({@link dev.sage.digest.LastSeen}), as a context line. */
    static Message lastSeen(String words) {
        String text = ":clock3: " + Mrkdwn.escape(words);
        return new Message(Mrkdwn.cut(Mrkdwn.escape(words), MAX_FALLBACK), List.of(context(List.of(Mrkdwn.cut(text, MAX_TEXT)))),
                false);
    }

    /** A Re-run value that diagnoses {@code t} as a mention naming it would. */
    private static String diagnose(TargetSummary t) {
        var request = t.target().request();
        return new Again(t.target().button(), request.namespace(), Optional.empty(), request.context(), Optional.empty(),
                Optional.empty()).encode();
    }

    private static String status(TargetSummary.Status s) {
        return switch (s) {
            case CRITICAL -> ":red_circle:";
            case WARNING -> ":large_orange_circle:";
            case UNREACHABLE -> ":white_circle:";
            case HEALTHY -> ":large_green_circle:";
        };
    }

    private static String icon(Finding f) {
        return switch (f.severity()) {
            case CRITICAL -> ":red_circle:";
            case WARNING -> ":large_orange_circle:";
            case INFO -> ":information_source:";
        };
    }

    /**
     * The findings a profile answers: a snapshot says that threads pile up or a map grows; a recording says which code
     * starts them or fills it.
     */
    static final java.util.Set<String> PROFILED = java.util.Set.of("thread-leak", "timer-leak", "cache-growth");

    /** Re-run, compare, watch, show raw, and {@code Profile 30 s} of the JVM {@code profile} names, when given. */
    private static Map<String, Object> buttons(Again again, Optional<Again> profile) {
        String value = again.encode();
        List<Map<String, Object>> elements = new ArrayList<>();
        elements.add(button("Re-run", RERUN, value, "primary"));
        if (again.isPod()) {
            elements.add(button("Compare with a healthy sibling", COMPARE, value, null));
        }
        elements.add(button("Watch 30 s", WATCH, value, null));
        profile.ifPresent(p -> elements.add(button("Profile 30 s", PROFILE, p.encode(), null)));
        elements.add(button("Show raw", RAW, value, null));
        return obj("type", "actions", "block_id", "sage_actions", "elements", elements);
    }

    /** The actions offered, each asking for confirmation in a dialog that says what it costs the target. */
    private static Map<String, Object> actions(Again again, List<ActionWords.Offer> offers) {
        String value = again.encode();
        List<Map<String, Object>> elements = new ArrayList<>();
        for (ActionWords.Offer o : offers) {
            Map<String, Object> b = button(o.label(), ACT + o.action().word(), value, o.dangerous() ? "danger" : null);
            Map<String, Object> confirm = new LinkedHashMap<>();
            confirm.put("title", obj("type", "plain_text", "text", Mrkdwn.cut(o.title(), MAX_CONFIRM_TITLE)));
            // plain text, as Slack's reference has it: a dialog does not render mrkdwn
            confirm.put("text", obj("type", "plain_text", "text", Mrkdwn.cut(o.text(), MAX_CONFIRM_TEXT)));
            confirm.put("confirm", obj("type", "plain_text", "text", Mrkdwn.cut(o.confirm(), MAX_CONFIRM_BUTTON)));
            confirm.put("deny", obj("type", "plain_text", "text", "Cancel"));
            if (o.dangerous()) {
                confirm.put("style", "danger");
            }
            b.put("confirm", confirm);
            elements.add(b);
        }
        return obj("type", "actions", "block_id", "sage_act", "elements", elements);
    }

    private static Map<String, Object> button(String text, String actionId, String value, String style) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "button");
        b.put("text", obj("type", "plain_text", "text", Mrkdwn.cut(plain(text), MAX_BUTTON_TEXT)));
        b.put("action_id", actionId);
        b.put("value", Mrkdwn.cut(value, MAX_VALUE));
        if (style != null) {
            b.put("style", style);
        }
        return b;
    }

    private static Map<String, Object> header(String text) {
        return obj("type", "header", "text", obj("type", "plain_text", "text", Mrkdwn.cut(plain(text), MAX_HEADER),
                "emoji", true));
    }

    private static Map<String, Object> section(String mrkdwn) {
        return obj("type", "section", "text", obj("type", "mrkdwn", "text", Mrkdwn.cut(mrkdwn, MAX_TEXT)));
    }

    private static Map<String, Object> context(List<String> mrkdwn) {
        List<Map<String, Object>> elements = new ArrayList<>();
        for (String m : mrkdwn.stream().limit(MAX_CONTEXT).toList()) {
            elements.add(obj("type", "mrkdwn", "text", Mrkdwn.cut(m, MAX_TEXT)));
        }
        return obj("type", "context", "elements", elements);
    }

    private static Map<String, Object> divider() {
        return obj("type", "divider");
    }

    /** For plain_text: no angle brackets (nothing to read as a mention or a link), no control characters. */
    private static String plain(String s) {
        return Redaction.redact(s).replace('<', '\u2039').replace('>', '\u203A').replaceAll("[\\p{Cntrl}&&[^\\n]]", "\uFFFD");
    }

    /** A JSON object with its keys in the order given, so that the same reply always serialises the same way. */
    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
