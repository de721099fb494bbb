package dev.sage.collect;

/**
 * A JVM found on the target.
 *
 * @param pid its pid as seen where the transport runs commands
 * @param mainClass its main class or jar as {@code jcmd -l} or its command line tells, or empty
 * @param facts what the survey that found it read of its process, or null when it was not surveyed (named by pid,
 *     or seen only by {@code jcmd -l}); the collector reads them again then
 */
public record JvmProcess(long pid, String mainClass, ProcessFacts facts) {

    public JvmProcess(long pid, String mainClass) {
        this(pid, mainClass, null);
    }

    @Override
    public String toString() {
        return pid + (mainClass.isEmpty() ? "" : " " + mainClass);
    }
}
