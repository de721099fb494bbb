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

    /**
     * Evaluates a compiled condition over the facts.
     *
     * @throws IllegalStateException with the reason when the expression fails (a missing key, a bad type)
     */
    public static boolean holds(Compiled c, Map<String, Object> facts) {
        try {
            Object out = c.program().eval(facts);
            if (out instanceof Boolean b) {
                return b;
            }
            throw new IllegalStateException("'" + c.source() + "' did not give true or false");
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("'" + c.source() + "' failed: " + e.getMessage());
        }
    }
}
