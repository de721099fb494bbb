package dev.sage.playbook;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

import java.util.Map;

/**
 * A playbook's {@code expr} conditions: CEL expressions over the {@link FactModel}, compiled and type-checked
 * when the playbook loads. Compiled programs are immutable and safe to evaluate from any thread. The CEL
 * environment is built on first use only, so the built-ins (which have no expressions) never pay for it.
 */
public final class Expressions {
    private Expressions() {}

    /** A compiled condition. */
    public record Compiled(String source, CelRuntime.Program program) {}

    /**
     * What one playbook's expressions may cost on one snapshot, enforced while they run: evaluation steps (each
     * expression node evaluated, inside comprehensions too, so that a nested {@code exists} or {@code map} over 5,000
     * threads is stopped early), the bytes its thread allocates (where the JVM can count them), and wall time.
     */
    public record Budget(long steps, long allocatedBytes, java.time.Duration time) {
        /** About 1 s of evaluation on this project's machines; the team example costs a few thousand steps. */
        public static final Budget DEFAULT = new Budget(1_000_000, 128L << 20, java.time.Duration.ofSeconds(1));
    }

    /** A playbook's expressions went over their {@link Budget} and were stopped. */
    public static final class OverBudget extends IllegalStateException {
        OverBudget(String message) {
            super(message);
        }
    }

    /**
     * Thrown from inside the interpreter to stop it. An Error, not an exception: CEL absorbs exceptions raised inside
     * {@code exists} and {@code ||} as error values and goes on with the next element, which would let a runaway
     * expression run to its end. No stack trace: it is thrown once and caught in {@link #holds}.
     */
    private static final class Stop extends Error {
        Stop(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Counts the bytes the current thread allocates, where the JVM offers it (HotSpot does). A holder, so that the
     * management beans load only when a playbook with expressions runs, never at start-up or for the built-ins.
     */
    private static final class Allocation {
        static final com.sun.management.ThreadMXBean THREADS = threads();

        private static com.sun.management.ThreadMXBean threads() {
            try {
                var bean = java.lang.management.ManagementFactory.getThreadMXBean();
                if (bean instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
                    t.setThreadAllocatedMemoryEnabled(true);
                    return t;
                }
            } catch (RuntimeException | LinkageError e) {
                // not counted on this JVM: steps and time still bound the evaluation
            }
            return null;
        }

        static long current() {
            return THREADS == null ? 0 : THREADS.getCurrentThreadAllocatedBytes();
        }
    }

    /**
     * Counts the steps of one playbook's evaluation against its budget; used by one thread at a time.
     */
    public static final class Meter {
        private final Budget budget;
        private final long deadline;
        private final long start = System.nanoTime();
        private final long allocatedAtStart = Allocation.current();
        private long steps;
        private String stopped;

        public Meter(Budget budget) {
            this.budget = budget;
            this.deadline = start + budget.time().toNanos();
        }

        void step() {
            if (stopped != null) {
                throw new Stop(stopped);
            }
            steps++;
            if (steps > budget.steps() || (steps & 1023) == 0 && (System.nanoTime() > deadline
                    || Allocation.current() - allocatedAtStart > budget.allocatedBytes())) {
                stopped = "stopped after " + String.format(java.util.Locale.ROOT, "%,d", steps) + " steps, "
                        + ((Allocation.current() - allocatedAtStart) >> 20) + " MiB and "
                        + (System.nanoTime() - start) / 1_000_000 + " ms: over the budget of "
                        + String.format(java.util.Locale.ROOT, "%,d", budget.steps()) + " steps, "
                        + (budget.allocatedBytes() >> 20) + " MiB or " + budget.time().toMillis() + " ms a playbook may take";
                throw new Stop(stopped);
            }
        }

        /** Throws when the budget ran out during an evaluation that nonetheless returned. */
        void check() {
            if (stopped != null) {
                throw new Stop(stopped);
            }
        }

        /** Steps taken so far. */
        public long steps() {
            return steps;
        }
    }

    /** Why an expression was refused: its 1-based line and column within the expression, and the reason. */
    record Refusal(int line, int column, String reason) {}

    private static final class Holder {
        static final Cel CEL = build();

        private static Cel build() {
            var b = CelFactory.standardCelBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
                    .setResultType(SimpleType.BOOL);
            FactModel.declarations().forEach(b::addVar);
            return b.build();
        }
    }

    /** Compiles {@code source}; a refusal says where and why. */
    static Object compile(String source) {
        CelValidationResult r = Holder.CEL.compile(source);
        if (r.hasError()) {
            CelIssue issue = r.getErrors().get(0);
            return new Refusal(issue.getSourceLocation().getLine(), issue.getSourceLocation().getColumn() + 1,
                    issue.getMessage());
        }
        try {
            return new Compiled(source, Holder.CEL.createProgram(r.getAst()));
        } catch (CelValidationException | CelEvaluationException e) {
            return new Refusal(1, 1, e.getMessage());
        }
    }

    /** Evaluates a compiled condition over the facts within the default budget. */
    public static boolean holds(Compiled c, Map<String, Object> facts) {
        return holds(c, facts, new Meter(Budget.DEFAULT));
    }

    /**
     * Evaluates a compiled condition over the facts, counting its steps on {@code meter}.
     *
     * @throws OverBudget when the meter's budget runs out (the evaluation is stopped there)
     * @throws IllegalStateException with the reason when the expression fails (a missing key, a bad type)
     */
    public static boolean holds(Compiled c, Map<String, Object> facts, Meter meter) {
        try {
            Object out = c.program().trace(facts, (expr, result) -> meter.step());
            meter.check();
            if (out instanceof Boolean b) {
                return b;
            }
            throw new IllegalStateException("'" + c.source() + "' did not give true or false");
        } catch (CelEvaluationException e) {
            OverBudget over = cause(e);
            if (over != null) {
                throw over;
            }
            throw new IllegalStateException("'" + c.source() + "' failed: " + e.getMessage());
        } catch (Stop e) {
            throw new OverBudget(e.getMessage());
        } catch (RuntimeException e) {
            OverBudget over = cause(e);
            if (over != null) {
                throw over;
            }
            throw new IllegalStateException("'" + c.source() + "' failed: " + e);
        }
    }

    private static OverBudget cause(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof OverBudget o) {
                return o;
            }
        }
        return null;
    }
}
