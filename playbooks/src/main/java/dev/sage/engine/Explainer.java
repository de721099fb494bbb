package dev.sage.engine;

import dev.sage.check.Check;
import dev.sage.check.Match;
import dev.sage.check.Params;
import dev.sage.check.Requirement;
import dev.sage.collect.Remedy;
import dev.sage.playbook.Expressions;
import dev.sage.playbook.FactModel;
import dev.sage.playbook.Playbook;
import dev.sage.snapshot.JvmSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Why one playbook fires or not on a snapshot, step by step, for its author: whether it is for this JVM, each capture
 * it needs, each condition with the figures its check saw, each expression, and the first step that stopped it. Unlike
 * the {@link Engine}, it goes on past the first failure, so that one run shows everything that would have to change.
 * A check that does not hold is run again with every {@code min…} threshold at its lowest, and what it then sees is
 * shown as what is there. Pure and thread-safe.
 */
public final class Explainer {
    private Explainer() {}

    /** How a step came out. */
    public enum Outcome {
        HOLDS("holds"), FAILS("does not hold"), MISSING("cannot be evaluated");

        private final String words;

        Outcome(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * One step of the playbook.
     *
     * @param what {@code applies_to}, {@code requires thread_dump}, {@code when[0] threads_in_frame {min: 10}}, {@code expr[0] …}
     * @param seen what the step saw: the match's figures when it holds, else what is there, else what it needs
     * @param remedies what would get a step that cannot be evaluated its captures
     * @param alternative true for one branch of an {@code any_of}, which need not hold itself
     */
    public record Step(String what, Outcome outcome, List<String> seen, List<Remedy> remedies, boolean alternative) {
        public Step {
            seen = List.copyOf(seen);
            remedies = List.copyOf(remedies);
        }

        Step(String what, Outcome outcome, List<String> seen) {
            this(what, outcome, seen, List.of(), false);
        }
    }

    /** The whole answer: whether it fires, and every step. */
    public record Explanation(String playbookId, String source, boolean fires, List<Step> steps) {
        public Explanation {
            steps = List.copyOf(steps);
        }

        /** The first step that did not hold or could not be evaluated, if any. */
        public Optional<Step> firstStop() {
            return steps.stream().filter(s -> !s.alternative() && s.outcome() != Outcome.HOLDS).findFirst();
        }
    }

    public static Explanation explain(Playbook p, JvmSnapshot s) {
        List<Step> steps = new ArrayList<>();
        Playbook.AppliesTo a = p.appliesTo();
        if (!a.equals(Playbook.AppliesTo.ANY)) {
            String jvm = (s.jvm() == null ? "Java ?" : "Java " + s.jvm().featureVersion())
                    + (s.heap() != null ? ", " + s.heap().collector() : s.flags() != null ? ", " + s.flags().gc() : "");
            steps.add(new Step("applies_to " + appliesTo(a), a.appliesTo(s) ? Outcome.HOLDS : Outcome.FAILS,
                    List.of("this JVM: " + jvm)));
        }
        for (Requirement r : p.requires().stream().sorted().toList()) {
            steps.add(requirement("requires " + r.key(), r, s));
        }
        for (int i = 0; i < p.when().size(); i++) {
            Playbook.Condition c = p.when().get(i);
            if (c instanceof Playbook.Condition.Uses u) {
                steps.add(use("when[" + i + "] ", u, s));
            } else {
                List<Playbook.Condition.Uses> alternatives = ((Playbook.Condition.AnyOf) c).alternatives();
                List<Step> each = new ArrayList<>();
                for (int j = 0; j < alternatives.size(); j++) {
                    Step alt = use("when[" + i + "].any_of[" + j + "] ", alternatives.get(j), s);
                    each.add(new Step(alt.what(), alt.outcome(), alt.seen(), alt.remedies(), true));
                }
                Outcome o = each.stream().anyMatch(x -> x.outcome() == Outcome.HOLDS) ? Outcome.HOLDS
                        : each.stream().anyMatch(x -> x.outcome() == Outcome.FAILS) ? Outcome.FAILS : Outcome.MISSING;
                steps.add(new Step("when[" + i + "] any_of (" + alternatives.size() + ")", o, List.of()));
                steps.addAll(each);
            }
        }
        if (!p.expr().isEmpty()) {
            Map<String, Object> facts = FactModel.of(s);
            Expressions.Meter meter = new Expressions.Meter(Expressions.Budget.DEFAULT); // one budget per playbook, as in a diagnosis
            for (int i = 0; i < p.expr().size(); i++) {
                Expressions.Compiled c = p.expr().get(i);
                String what = "expr[" + i + "] " + c.source();
                try {
                    boolean holds = Expressions.holds(c, facts, meter);
                    steps.add(new Step(what, holds ? Outcome.HOLDS : Outcome.FAILS, List.of()));
                } catch (IllegalStateException e) {
                    steps.add(new Step(what, Outcome.MISSING, List.of(e.getMessage())));
                }
            }
        }
        boolean fires = steps.stream().allMatch(x -> x.alternative() || x.outcome() == Outcome.HOLDS);
        return new Explanation(p.id(), p.source(), fires, steps);
    }

    private static Step requirement(String what, Requirement r, JvmSnapshot s) {
        if (r.satisfiedBy(s)) {
            return new Step(what, Outcome.HOLDS, List.of());
        }
        return new Step(what, Outcome.MISSING, List.of("needs " + r.description()), r.remedy().stream().toList(), false);
    }

    private static Step use(String prefix, Playbook.Condition.Uses u, JvmSnapshot s) {
        Check check = u.check();
        String what = prefix + check.name() + " " + params(u.params());
        Set<String> unmet = Engine.unmet(check, s);
        if (!unmet.isEmpty()) {
            return new Step(what, Outcome.MISSING, unmet.stream().map(d -> "needs " + d).toList(),
                    List.copyOf(Engine.remedies(check, s)), false);
        }
        Optional<Match> m;
        try {
            m = check.evaluate(s, u.params());
        } catch (RuntimeException e) {
            return new Step(what, Outcome.MISSING, List.of("the check failed on this snapshot: " + e));
        }
        if (m.isPresent()) {
            return new Step(what, Outcome.HOLDS, figures("saw", m.get().figures()));
        }
        Optional<Match> there;
        try {
            there = check.evaluate(s, lowest(u.params()));
        } catch (RuntimeException e) {
            there = Optional.empty(); // the check's own bounds assume its thresholds: then there is nothing to show
        }
        return new Step(what, Outcome.FAILS, there.isPresent()
                ? figures("what is there (every min… at its lowest)", there.get().figures())
                : List.of("nothing of the kind, even with every min… at its lowest"));
    }

    /**
     * The parameters with every numeric {@code min…} threshold at its lowest (a count or size at 1, a share at 0): what
     * the check sees, whatever the bar.
     */
    static Params lowest(Params p) {
        Map<String, Object> relaxed = new LinkedHashMap<>(p.values());
        relaxed.replaceAll((k, v) -> !k.startsWith("min") ? v : v instanceof Double ? (Object) 0.0 : v instanceof Number ? (Object) 1L : v);
        return new Params(relaxed);
    }

    private static List<String> figures(String label, Map<String, Object> figures) {
        List<String> out = new ArrayList<>();
        out.add(label + ":");
        int shown = 0;
        for (Map.Entry<String, Object> f : figures.entrySet()) {
            if (f.getValue() == null || "".equals(f.getValue()) || f.getValue() instanceof List<?> l && l.isEmpty()) {
                continue; // a figure this snapshot has nothing for
            }
            if (shown++ == 8) {
                out.add("  … more figures");
                break;
            }
            out.add("  " + f.getKey() + " = " + value(f.getValue()));
        }
        return out;
    }

    private static String value(Object v) {
        String text;
        if (v instanceof List<?> list) {
            List<String> items = list.stream().limit(3).map(String::valueOf).toList();
            text = String.join("; ", items) + (list.size() > 3 ? "; … (" + list.size() + " in all)" : "");
        } else {
            text = String.valueOf(v);
        }
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String params(Params p) {
        List<String> parts = new ArrayList<>();
        p.values().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + ": " + (e.getValue() instanceof List<?> l
                        ? "[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]" : value(e.getValue()))));
        return "{" + String.join(", ", parts) + "}";
    }

    private static String appliesTo(Playbook.AppliesTo a) {
        List<String> parts = new ArrayList<>();
        if (a.jdkMin() > 0) {
            parts.add("jdk_min: " + a.jdkMin());
        }
        if (a.jdkMax() > 0) {
            parts.add("jdk_max: " + a.jdkMax());
        }
        if (!a.gcs().isEmpty()) {
            parts.add("gc: " + a.gcs().stream().map(Enum::name).sorted().toList());
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
