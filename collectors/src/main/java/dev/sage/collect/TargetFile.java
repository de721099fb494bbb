package dev.sage.collect;

/**
 * A file Sage has the JVM write in its own {@code /tmp} (a thread dump to file, a flight recording), read back through
 * {@code /proc/PID/root} and removed in the same exec as the read. Each gets a fresh random name: two collections
 * never collide, and the JDK never refuses a file that exists. Immutable.
 *
 * @param prefix what every such file's name begins with ({@code sage-threads-}), for the sweep
 * @param suffix its extension ({@code .json})
 * @param name the file's name without its directory and suffix: {@code sage-threads-4f0c…}
 */
record TargetFile(String prefix, String suffix, String name) {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A fresh name: the prefix and 16 random hex digits. */
    static TargetFile fresh(String prefix, String suffix) {
        return new TargetFile(prefix, suffix, prefix + Long.toHexString(RANDOM.nextLong() | 1L << 62));
    }

    /** Where the JVM writes it, in its own filesystem. */
    String path() {
        return "/tmp/" + name + suffix;
    }

    /**
     * Shell that, with the JVM's pid in {@code $p}, this file's {@link #path} in {@code $f} and the output cap in
     * {@code $c}, prints the file (one byte over the cap, so that a cut file is told as such) unless it is a link, then
     * removes it.
     */
    String readAndRemove() {
        return "r=\"/proc/$p/root$f\"; if [ -r \"$r\" ] && [ ! -L \"$r\" ]; then head -c $((c + 1)) \"$r\"; fi; rm -f \"$r\"; ";
    }

    /**
     * Shell that removes the files of this kind an earlier exec left (it was stopped at its deadline while the JVM still
     * wrote) once they are ten minutes old; {@code $p} holds the pid.
     */
    String sweep() {
        return "find \"/proc/$p/root/tmp\" -maxdepth 1 -name '" + prefix + "*" + suffix + "' -mmin +10 -exec rm -f {} +"
                + " 2>/dev/null; ";
    }
}
