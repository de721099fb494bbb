package dev.sage.transport;

import java.util.regex.Pattern;

/**
 * The grammars of the names a user gives (pod, namespace, container, host, user), checked before any call:
 * a name that does not fit is refused with the rule it breaks, and never reaches an API or a remote shell.
 */
public final class Names {
    /** RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** RFC 1123 subdomain: labels joined by '.', at most 253. */
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** A host name (letters of either case) or an IPv4 address. */
    private static final Pattern HOST = Pattern.compile("(?i)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    /** A POSIX portable user name. */
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");

    private Names() {}

    /** A pod name (a DNS-1123 subdomain). */
    public static String pod(String name) {
        return check(name, SUBDOMAIN, 253, "a pod name: lower-case letters, digits, '-' and '.', starting and ending"
                + " with a letter or digit, at most 253 characters");
    }

    /** A namespace (a DNS-1123 label). */
    public static String namespace(String name) {
        return check(name, LABEL, 63, "a namespace: lower-case letters, digits and '-', starting and ending with a"
                + " letter or digit, at most 63 characters");
    }

    /** A container name (a DNS-1123 label). */
    public static String container(String name) {
        return check(name, LABEL, 63, "a container name: lower-case letters, digits and '-', starting and ending"
                + " with a letter or digit, at most 63 characters");
    }

    /** A host name or IPv4 address. */
    public static String host(String name) {
        return check(name, HOST, 253, "a host name: letters, digits, '-' and '.', at most 253 characters");
    }

    /** A container image reference: registry/repository[:tag][@digest]. */
    public static String image(String name) {
        return check(name, IMAGE, 255, "an image reference: letters, digits, '.', '_', '-', '/', ':' and '@'");
    }

    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");

    /** A user name for SSH or sudo. */
    public static String user(String name) {
        return check(name, USER, 32, "a user name: letters, digits, '_', '.' and '-', starting with a letter or '_'");
    }

    private static String check(String name, Pattern p, int max, String rule) {
        if (name == null || name.isEmpty() || name.length() > max || !p.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + printable(name) + "' is not " + rule);
        }
        return name;
    }

    /** The name as it can be shown in a reply: control characters escaped, cut when long. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            if (sb.length() > 80) {
                return sb.substring(0, 77) + "...";
            }
        }
        return sb.toString();
    }
}
