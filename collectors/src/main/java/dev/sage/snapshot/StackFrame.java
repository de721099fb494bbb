package dev.sage.snapshot;

/**
 * One stack frame, as printed: {@code java.lang.Thread.sleep(java.base@17.0.15/Native Method)}.
 * Parsers intern frames, so equal frames in one dump are usually the same instance.
 *
 * @param text the frame without the leading {@code at }
 * @param method the declaring class and method, {@code java.lang.Thread.sleep}: the text before its '('
 *     (without the {@code java.base/} module prefix {@code Thread.dump_to_file} prints)
 */
public record StackFrame(String text, String method) {

    public StackFrame(String text) {
        this(text, methodOf(text));
    }

    private static String methodOf(String text) {
        int paren = text.indexOf('(');
        String m = paren < 0 ? text : text.substring(0, paren);
        int slash = m.indexOf('/');
        // a module prefix (java.base/...), not a hidden class's suffix (Foo$$Lambda/0x0000000800c1.run)
        if (slash > 0 && m.lastIndexOf('$', slash) < 0 && slash + 1 < m.length() && Character.isLetter(m.charAt(slash + 1))
                && !m.startsWith("0x", slash + 1)) {
            return m.substring(slash + 1);
        }
        return m;
    }

    /** The class name without the method, {@code java.lang.Thread}. */
    public String className() {
        String m = method();
        int dot = m.lastIndexOf('.');
        return dot < 0 ? m : m.substring(0, dot);
    }

    /** True when the frame is a native method. */
    public boolean isNative() {
        return text.endsWith("Native Method)");
    }

    @Override
    public String toString() {
        return text;
    }
}
