package dev.sage.parse;

import dev.sage.snapshot.JvmIdentity;

/** Parses {@code VM.version}, and the JVM named in a thread dump's {@code Full thread dump} line. Pure. */
public final class VmVersionParser {
    private VmVersionParser() {}

    /** {@code OpenJDK 64-Bit Server VM version 17.0.15+6-Debian-1deb12u1} then {@code JDK 17.0.15}. */
    public static JvmIdentity parse(String text) {
        String vmName = "";
        String vmVersion = "";
        int feature = 0;
        int lineNo = 0;
        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            int v = line.indexOf(" version ");
            if (vmName.isEmpty() && v > 0 && line.substring(0, v).contains("VM")) {
                vmName = line.substring(0, v).strip();
                vmVersion = line.substring(v + " version ".length()).strip();
            } else if (line.startsWith("JDK ")) {
                feature = JvmIdentity.featureOf(line.substring(4).strip());
            }
        }
        if (vmName.isEmpty()) {
            throw new CaptureFormatException(1, Lines.of(text).isEmpty() ? "" : Lines.of(text).get(0),
                    "not a VM.version output: no '<VM name> version <version>' line");
        }
        if (feature == 0) {
            feature = JvmIdentity.featureOf(vmVersion);
        }
        return new JvmIdentity(vmName, vmVersion, feature);
    }

    /**
     * The JVM named by a dump banner such as {@code OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing)}
     * or {@code Java HotSpot(TM) Client VM 1.6.0_03-b05}. JDK 8 banners carry the HotSpot version (25.181-b13),
     * which is told apart from a Java version by its minor part.
     */
    public static JvmIdentity fromBanner(String banner) {
        String b = banner.strip();
        if (!b.isEmpty() && Character.isDigit(b.charAt(0)) && b.indexOf(' ') < 0) {
            return new JvmIdentity("", b, JvmIdentity.featureOf(b)); // Thread.dump_to_file prints the version alone
        }
        String name = b;
        String version = "";
        int vm = b.indexOf(" VM");
        if (vm > 0) {
            int nameStart = b.lastIndexOf(" (", vm);
            name = b.substring(nameStart < 0 ? 0 : nameStart + 2, vm + 3).strip();
            int v = vm + 3;
            while (v < b.length() && (b.charAt(v) == ' ' || b.charAt(v) == '(')) {
                v++;
            }
            int e = v;
            while (e < b.length() && b.charAt(e) != ' ' && b.charAt(e) != ')') {
                e++;
            }
            version = b.substring(v, e);
        }
        int feature = JvmIdentity.featureOf(version);
        // HotSpot versions of JDK 7 and 8 (21.1-b02, 25.181-b13) are not Java versions
        if (version.matches("2[0-5]\\.\\d+-b\\d+")) {
            feature = version.startsWith("25.") ? 8 : version.startsWith("24.") || version.startsWith("23.")
                    || version.startsWith("22.") || version.startsWith("21.") ? 7 : 0;
        } else if (version.matches("1[0-9]\\.\\d+-b\\d+")) {
            feature = 6; // HotSpot 10.x-19.x shipped with Java 6
        }
        if (feature > 40) {
            feature = 0;
        }
        return new JvmIdentity(name, version, feature);
    }
}
