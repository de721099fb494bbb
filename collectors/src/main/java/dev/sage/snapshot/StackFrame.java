package dev.sage.snapshot;

/**
 * One stack frame, as printed: {@code java.lang.Thread.sleep(java.base@17.0.15/Native Method)}.
 * Parsers intern frames, so equal frames in one dump are usually the same instance.
 *
 * @param text the frame without the leading {@code at }
 */
public record StackFrame(String text) {

    /** The declaring class and method, {@code java.lang.Thread.sleep}; the whole text when it has no '('. */
    public String method() {
        int paren = text.indexOf('(');
        return paren < 0 ? text : text.substring(0, paren);
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
