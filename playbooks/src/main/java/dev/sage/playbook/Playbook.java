package dev.sage.playbook;

import dev.sage.check.Check;
import dev.sage.check.Params;
import dev.sage.check.Requirement;
import dev.sage.diagnosis.Severity;
import dev.sage.snapshot.GarbageCollector;
import dev.sage.snapshot.JvmSnapshot;

import java.util.List;
import java.util.Set;

/**
 * One playbook, validated: when its conditions hold on a snapshot, it yields a finding with this title,
 * severity, evidence and fixes.
 *
 * @param id the finding id it produces ({@code deadlock}, {@code thread-leak}, or a team's own)
 * @param requires captures needed beyond what its checks need
 * @param when conditions that must all hold
 * @param expr CEL conditions over the {@link FactModel} that must also all hold
 * @param evidence templates: {@code {{figure}}} is replaced by a figure of a matching check
 * @param fixes templates like evidence, each with an optional link
 * @param source the file it was read from, for messages
 */
public record Playbook(String id, String title, Severity severity, String description, Set<Requirement> requires,
                       List<Condition> when, List<Expressions.Compiled> expr, List<String> evidence, List<Fix> fixes,
                       AppliesTo appliesTo, String source) {
    public Playbook {
        requires = Set.copyOf(requires);
        when = List.copyOf(when);
        expr = List.copyOf(expr);
        evidence = List.copyOf(evidence);
        fixes = List.copyOf(fixes);
    }

    /** A condition: one check with its parameters, or the first of several that can be evaluated and holds. */
    public sealed interface Condition {
        record Uses(Check check, Params params) implements Condition {}

        record AnyOf(List<Uses> alternatives) implements Condition {
            public AnyOf {
                alternatives = List.copyOf(alternatives);
            }
        }
    }

    /**
     * A fix to suggest; {@code link} may be empty. A fix naming a flag applies only to the JDKs and collectors
     * that have it: it is left out elsewhere, never suggested to a JVM that lacks the flag.
     */
    public record Fix(String text, String link, AppliesTo appliesTo) {
        public Fix(String text, String link) {
            this(text, link, AppliesTo.ANY);
        }
    }

    /**
     * The JVMs a playbook is for: Java feature releases {@code [jdkMin, jdkMax]} (0 for no bound) and
     * collectors (empty for any). A JVM whose version or collector is unknown is given the benefit of the doubt.
     */
    public record AppliesTo(int jdkMin, int jdkMax, Set<GarbageCollector> gcs) {
        public static final AppliesTo ANY = new AppliesTo(0, 0, Set.of());

        public AppliesTo {
            gcs = Set.copyOf(gcs);
        }

        public boolean appliesTo(JvmSnapshot s) {
            return matches(s, true);
        }

        /**
         * For fixes: a fix bound to JDKs or collectors is offered only when the snapshot shows the JVM has them,
         * so a flag the JVM may lack is never suggested.
         */
        public boolean appliesStrictlyTo(JvmSnapshot s) {
            return matches(s, false);
        }

        private boolean matches(JvmSnapshot s, boolean unknownMatches) {
            int jdk = s.jvm() == null ? 0 : s.jvm().featureVersion();
            if (jdkMin > 0 || jdkMax > 0) {
                if (jdk == 0) {
                    return unknownMatches;
                }
                if ((jdkMin > 0 && jdk < jdkMin) || (jdkMax > 0 && jdk > jdkMax)) {
                    return false;
                }
            }
            GarbageCollector gc = s.heap() != null ? s.heap().collector()
                    : s.flags() != null ? s.flags().gc() : GarbageCollector.UNKNOWN;
            return gcs.isEmpty() || gcs.contains(gc) || (gc == GarbageCollector.UNKNOWN && unknownMatches);
        }
    }
}
