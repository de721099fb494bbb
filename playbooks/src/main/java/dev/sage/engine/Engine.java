package dev.sage.engine;

import dev.sage.check.Check;
import dev.sage.check.Match;
import dev.sage.check.Requirement;
import dev.sage.collect.Remedy;
import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.NotEvaluated;
import dev.sage.playbook.Expressions;
import dev.sage.playbook.FactModel;
import dev.sage.playbook.Playbook;
import dev.sage.snapshot.JvmSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs playbooks over a snapshot (which may hold a time series of thread dumps and histograms). A playbook
 * fires when every condition holds; a condition whose captures are missing makes the playbook "not
 * evaluated", with the reason. Findings are ranked by severity, then strength. Pure and thread-safe.
 */
public final class Engine {
    private static final Pattern FIGURE = Pattern.compile("\\{\\{\\s*([a-z_][a-z0-9_]*)\\s*}}");

    private final List<Playbook> playbooks;
    private final Expressions.Budget budget;

    public Engine(List<Playbook> playbooks) {
        this(playbooks, Expressions.Budget.DEFAULT);
    }

    /** @param budget what each playbook's expressions may cost on one snapshot; one over it is stopped, not the rest */
    public Engine(List<Playbook> playbooks, Expressions.Budget budget) {
        this.playbooks = List.copyOf(playbooks);
        this.budget = budget;
    }

    /** What the playbooks found, and what they could not judge. */
    public record Result(List<Finding> findings, List<NotEvaluated> notEvaluated) {
        public Result {
            findings = List.copyOf(findings);
            notEvaluated = List.copyOf(notEvaluated);
        }
    }

    public Result run(JvmSnapshot snapshot) {
        Map<String, Object> facts = null; // built for the first playbook with expressions only
        List<Scored> fired = new ArrayList<>();
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Map<String, Set<Remedy>> remedies = new LinkedHashMap<>();
        for (Playbook p : playbooks) {
            if (!p.appliesTo().appliesTo(snapshot)) {
                continue;
            }
            Set<String> unmet = new LinkedHashSet<>();
            Set<Remedy> helps = new LinkedHashSet<>();
            p.requires().stream().sorted().filter(r -> !r.satisfiedBy(snapshot)).forEach(r -> {
                unmet.add(r.description());
                r.remedy().ifPresent(helps::add);
            });
            Map<String, Object> figures = new LinkedHashMap<>();
            double strength = 0;
            boolean holds = unmet.isEmpty();
            for (Playbook.Condition c : p.when()) {
                if (!holds) {
                    break;
                }
                Outcome o = evaluate(c, snapshot);
                if (o.unmet != null) {
                    unmet.addAll(o.unmet);
                    helps.addAll(o.remedies);
                    holds = false;
                } else if (o.match.isEmpty()) {
                    holds = false;
                } else {
                    figures.putAll(o.match.get().figures());
                    strength = Math.max(strength, o.match.get().strength());
                }
            }
            if (!unmet.isEmpty()) {
                String needs = String.join(" and ", unmet);
                missing.computeIfAbsent(needs, k -> new ArrayList<>()).add(p.id());
                remedies.computeIfAbsent(needs, k -> new LinkedHashSet<>()).addAll(helps);
                continue;
            }
            if (holds && !p.expr().isEmpty()) {
                if (facts == null) {
                    facts = FactModel.of(snapshot);
                }
                Expressions.Meter meter = new Expressions.Meter(budget);
                try {
                    for (Expressions.Compiled c : p.expr()) {
                        if (!Expressions.holds(c, facts, meter)) {
                            holds = false;
                            break;
                        }
                    }
                } catch (Expressions.OverBudget e) {
                    missing.computeIfAbsent("its expressions to finish: they were " + e.getMessage(), k -> new ArrayList<>())
                            .add(p.id());
                    holds = false;
                } catch (IllegalStateException e) {
                    missing.computeIfAbsent("its expression to evaluate: " + e.getMessage(), k -> new ArrayList<>()).add(p.id());
                    holds = false;
                }
                strength = Math.max(strength, 1);
            }
            if (holds) {
                fired.add(new Scored(finding(p, figures, snapshot), strength));
            }
        }
        fired.sort(Comparator.comparing((Scored s) -> s.finding.severity()).thenComparing(s -> -s.strength));
        List<NotEvaluated> notEvaluated = new ArrayList<>();
        missing.forEach((what, ids) -> notEvaluated.add(new NotEvaluated(String.join(", ", ids) + ": needs " + what,
                List.copyOf(remedies.getOrDefault(what, Set.of())))));
        return new Result(fired.stream().map(s -> s.finding).toList(), notEvaluated);
    }

    private record Scored(Finding finding, double strength) {}

    /**
     * A condition's outcome: what is missing to evaluate it (and what would get it), or a match, or neither (it does
     * not hold).
     */
    private record Outcome(Set<String> unmet, Set<Remedy> remedies, Optional<Match> match) {
        static Outcome of(Optional<Match> match) {
            return new Outcome(null, Set.of(), match);
        }
    }

    private static Outcome evaluate(Playbook.Condition c, JvmSnapshot s) {
        if (c instanceof Playbook.Condition.Uses u) {
            Set<String> unmet = unmet(u.check(), s);
            return unmet.isEmpty() ? Outcome.of(u.check().evaluate(s, u.params()))
                    : new Outcome(unmet, remedies(u.check(), s), Optional.empty());
        }
        Playbook.Condition.AnyOf any = (Playbook.Condition.AnyOf) c;
        List<String> alternatives = new ArrayList<>();
        Set<Remedy> helps = new LinkedHashSet<>();
        boolean anyEvaluated = false;
        for (Playbook.Condition.Uses u : any.alternatives()) {
            Set<String> unmet = unmet(u.check(), s);
            if (!unmet.isEmpty()) {
                alternatives.add(String.join(" and ", unmet));
                helps.addAll(remedies(u.check(), s));
                continue;
            }
            anyEvaluated = true;
            Optional<Match> m = u.check().evaluate(s, u.params());
            if (m.isPresent()) {
                return Outcome.of(m);
            }
        }
        return anyEvaluated ? Outcome.of(Optional.empty())
                : new Outcome(Set.of(String.join(", or ", alternatives)), helps, Optional.empty());
    }

    /** What {@code check} needs that the snapshot lacks, in words, in declaration order. */
    static Set<String> unmet(Check check, JvmSnapshot s) {
        Set<String> unmet = new LinkedHashSet<>();
        for (Requirement r : check.requires().stream().sorted().toList()) { // in declaration order, every run
            if (!r.satisfiedBy(s)) {
                unmet.add(r.description());
            }
        }
        return unmet;
    }

    /** What would get {@code check} the captures it lacks. */
    static Set<Remedy> remedies(Check check, JvmSnapshot s) {
        Set<Remedy> helps = new LinkedHashSet<>();
        check.requires().stream().sorted().filter(r -> !r.satisfiedBy(s)).forEach(r -> r.remedy().ifPresent(helps::add));
        return helps;
    }

    private static Finding finding(Playbook p, Map<String, Object> figures, JvmSnapshot snapshot) {
        List<String> evidence = new ArrayList<>();
        p.evidence().forEach(t -> evidence.addAll(render(t, figures)));
        List<String> fixes = new ArrayList<>();
        for (Playbook.Fix f : p.fixes()) {
            if (!f.appliesTo().appliesStrictlyTo(snapshot)) {
                continue; // the flag or method does not exist on this JVM
            }
            for (String line : render(f.text(), figures)) {
                fixes.add(f.link().isEmpty() ? line : line + " (" + f.link() + ")");
            }
        }
        return new Finding(p.id(), p.severity(), title(p.title(), figures), evidence, fixes, p.source());
    }

    /** A title always renders: a figure the match did not give (the other branch of any_of) reads as "?". */
    static String title(String template, Map<String, Object> figures) {
        Map<String, Object> all = new LinkedHashMap<>(figures);
        Matcher m = FIGURE.matcher(template);
        while (m.find()) {
            all.putIfAbsent(m.group(1), "?");
        }
        return String.join(" ", render(template, all));
    }

    /**
     * Fills a template's {@code {{figure}}}s. A template naming a list figure gives one line per element; one
     * naming a figure the match did not give (an alternative of {@code any_of} that did not fire) is left out.
     */
    static List<String> render(String template, Map<String, Object> figures) {
        Matcher m = FIGURE.matcher(template);
        String listFigure = null;
        while (m.find()) {
            Object v = figures.get(m.group(1));
            if (v == null) {
                return List.of();
            }
            if (v instanceof List<?> && listFigure == null) {
                listFigure = m.group(1);
            }
        }
        if (listFigure == null) {
            return List.of(fill(template, figures, null, null));
        }
        List<String> out = new ArrayList<>();
        for (Object element : (List<?>) figures.get(listFigure)) {
            out.add(fill(template, figures, listFigure, String.valueOf(element)));
        }
        return out;
    }

    private static String fill(String template, Map<String, Object> figures, String listFigure, String element) {
        Matcher m = FIGURE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object v = name.equals(listFigure) ? element : figures.get(name);
            String text = v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
            m.appendReplacement(sb, Matcher.quoteReplacement(text));
        }
        m.appendTail(sb);
        return sb.toString().stripTrailing();
    }
}
