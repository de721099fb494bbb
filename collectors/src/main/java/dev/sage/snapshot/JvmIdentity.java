package dev.sage.snapshot;

/**
 * Which JVM this is, from {@code VM.version} or, when absent, a thread dump's header.
 *
 * @param vmName e.g. {@code OpenJDK 64-Bit Server VM}
 * @param vmVersion e.g. {@code 17.0.15+6-Debian-1deb12u1}
 * @param featureVersion the Java feature release (8, 17, 25), or 0 when it cannot be told
 */
public record JvmIdentity(String vmName, String vmVersion, int featureVersion) {

    /** A one-line description, e.g. {@code OpenJDK 64-Bit Server VM 17.0.15+6 (Java 17)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(vmName.isEmpty() ? "JVM" : vmName);
        if (!vmVersion.isEmpty()) {
            sb.append(' ').append(vmVersion);
        }
        if (featureVersion > 0) {
            sb.append(" (Java ").append(featureVersion).append(')');
        }
        return sb.toString();
    }

    /**
     * The feature release of a Java version string: {@code 17.0.15+6}, {@code 21-ea} and {@code 25+36} give 17,
     * 21 and 25; {@code 1.8.0_181} and {@code 1.6.0_03} give 8 and 6; 0 when the string starts with no number.
     * HotSpot's own version numbers of JDK 6 to 8 ({@code 25.181-b13}) are not Java versions: see
     * {@code VmVersionParser.fromBanner}.
     */
    public static int featureOf(String version) {
        if (version == null || version.isEmpty()) {
            return 0;
        }
        int i = 0;
        int n = 0;
        while (i < version.length() && Character.isDigit(version.charAt(i))) {
            n = n * 10 + (version.charAt(i) - '0');
            i++;
            if (n > 1000) {
                return 0;
            }
        }
        if (n == 1 && i < version.length() && version.charAt(i) == '.') {
            int m = 0;
            int j = i + 1;
            while (j < version.length() && Character.isDigit(version.charAt(j))) {
                m = m * 10 + (version.charAt(j) - '0');
                j++;
            }
            return m;
        }
        return n;
    }
}
