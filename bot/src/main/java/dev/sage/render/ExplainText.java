package dev.sage.render;

import dev.sage.collect.Remedy;
import dev.sage.engine.Explainer;

import java.util.function.Function;

/** An explanation of a playbook as plain text, step by step: the terminal prints it, the chat puts it in a code block. */
public final class ExplainText {
    private ExplainText() {}

    /** @param remedy how this front end words a remedy (a flag, a phrase) */
    public static String of(Explainer.Explanation e, Function<Remedy, String> remedy) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.playbookId()).append(" (").append(e.source()).append("): ").append(verdict(e)).append("\n\n");
        for (Explainer.Step s : e.steps()) {
            sb.append(s.alternative() ? "    " : "  ").append(mark(s.outcome())).append(' ').append(s.what())
                    .append(": ").append(s.outcome().words()).append('\n');
            String indent = s.alternative() ? "        " : "      ";
            for (String line : s.seen()) {
                sb.append(indent).append(line).append('\n');
            }
            if (!s.remedies().isEmpty()) {
                sb.append(indent).append("to get it: ")
                        .append(String.join("; ", s.remedies().stream().map(remedy).toList())).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code fires}, {@code does not fire, stopped at …}, {@code not evaluated, at …}. */
    public static String verdict(Explainer.Explanation e) {
        return e.fires() ? "fires" : e.firstStop().map(s -> s.outcome() == Explainer.Outcome.MISSING
                ? "not evaluated, at " + s.what() : "does not fire, stopped at " + s.what()).orElse("does not fire");
    }

    private static String mark(Explainer.Outcome o) {
        return switch (o) {
            case HOLDS -> "[ok]  ";
            case FAILS -> "[no]  ";
            case MISSING -> "[?]   ";
        };
    }
}
