package dev.sage.collect;

/**
 * A JVM found on the target.
 *
 * @param pid its pid as seen where the transport runs commands
 * @param mainClass its main class or jar as {@code jcmd -l} or its command line tells, or empty
 */
public record JvmProcess(long pid, String mainClass) {
    @Override
    public String toString() {
        return pid + (mainClass.isEmpty() ? "" : " " + mainClass);
    }
}
