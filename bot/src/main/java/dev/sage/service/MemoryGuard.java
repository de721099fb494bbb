package dev.sage.service;

import java.util.Locale;

/**
 * How large an input this JVM can read and judge with the heap it has, so that an input that cannot fit is refused
 * up front with a message rather than ending in an {@link OutOfMemoryError}. Reading and parsing a capture holds the
 * bytes, the decoded text and the parsed records at once: about {@value #FACTOR} times the input at the peak. The
 * limit follows the heap actually free when asked, so it shrinks while the bot is busy with other diagnoses.
 * Thread-safe.
 */
public final class MemoryGuard {
    /** Peak heap per input byte while it is read and parsed, with room to spare. */
    static final int FACTOR = 6;
    /** The most ever read of one input, whatever the heap: a capture larger than this is a heap dump or a mistake. */
    public static final long MAX_BYTES = 256L << 20;

    private MemoryGuard() {}

    /** The largest input that can be read now: the free heap (after what is in use) over {@value #FACTOR}. */
    public static long maxInputBytes() {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return Math.max(1L << 20, Math.min(MAX_BYTES, free / FACTOR));
    }

    /** Why an input of {@code size} bytes cannot be read now, or null when it can. */
    public static String refusal(long size) {
        long max = maxInputBytes();
        return size <= max ? null : "is " + mib(size) + ", " + beyond(max);
    }

    /** Why a stream that went on past {@code max} bytes was not read. */
    public static String streamRefusal(long max) {
        return "is " + beyond(max);
    }

    private static String beyond(long max) {
        return String.format(Locale.ROOT, "more than the %s Sage can read with its heap of %s%s", mib(max),
                mib(Runtime.getRuntime().maxMemory()), max < MAX_BYTES ? " (give it more with -Xmx, e.g. JAVA_OPTS=-Xmx2g)"
                        : " (is it a heap dump? Sage reads text captures: jcmd, jstack)");
    }

    /** What to say when the heap ran out anyway. */
    public static String outOfMemory(String what) {
        return "Sage ran out of memory " + what + " (its heap is " + mib(Runtime.getRuntime().maxMemory())
                + "); give it more with -Xmx, or hand it fewer or smaller captures";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
