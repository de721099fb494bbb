package dev.sage.render;

import dev.sage.diagnosis.Comparison;

import java.util.List;
import java.util.Locale;

/** The "compared with the sibling" part of the text and Slack reports. */
public final class ComparisonText {
    private ComparisonText() {}

    public static String text(Comparison c) {
        if (c == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nCompared with the healthy sibling (this JVM / sibling):\n");
        section(out, "memory", c.memory(), "  ");
        section(out, "thread families that differ", c.threadFamilies(), "  ");
        section(out, "classes that differ", c.classes(), "  ");
        if (c.threadFamilies().isEmpty() && c.classes().isEmpty()) {
            out.append("  no thread family or histogram class differs by 2x or more\n");
        }
        return out.toString();
    }

    public static String slack(Comparison c) {
        if (c == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("*Compared with the healthy sibling* (this JVM / sibling)\n```\n");
        section(out, "memory", c.memory(), "");
        section(out, "thread families", c.threadFamilies().subList(0, Math.min(5, c.threadFamilies().size())), "");
        section(out, "classes", c.classes().subList(0, Math.min(5, c.classes().size())), "");
        return out.append("```\n").toString();
    }

    private static void section(StringBuilder out, String title, List<Comparison.Difference> ds, String indent) {
        if (ds.isEmpty()) {
            return;
        }
        out.append(indent).append(title).append(":\n");
        int width = ds.stream().mapToInt(d -> Math.min(50, d.what().length())).max().orElse(0);
        for (Comparison.Difference d : ds) {
            String what = d.what().length() > 50 ? d.what().substring(0, 47) + "..." : d.what();
            out.append(indent).append(String.format(Locale.ROOT, "  %-" + width + "s  %10s / %s%n", what, d.jvm(), d.sibling()));
        }
    }
}
