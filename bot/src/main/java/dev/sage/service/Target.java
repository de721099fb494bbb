package dev.sage.service;

import dev.sage.transport.Names;

import java.util.Optional;
import java.util.OptionalInt;

/** What a diagnosis is pointed at, read from what a person typed ({@code sage diagnose TARGET}, a chat message). Pure. */
public sealed interface Target {

    /** A JVM on this machine: by pid, or the only one (or the one {@code --main-class} names). */
    record Local(Optional<Long> pid) implements Target {
    }

    /** A pod, by name or by a prefix of its name. */
    record Pod(String name) implements Target {
    }

    /** Every host of a group configured in the host groups file ({@link HostGroups}). */
    record HostGroup(String name) implements Target {
    }

    /** A host over SSH; what is not given comes from ssh_config, as with {@code ssh}. */
    record Ssh(Optional<String> user, String host, OptionalInt port) implements Target {
    }

    /**
     * Reads {@code local:PID}, {@code local}, {@code pod/NAME}, {@code NAME} (a pod, when a namespace was given),
     * {@code ssh://[USER@]HOST[:PORT]} and {@code hosts/GROUP}; every name is checked against its grammar.
     *
     * @throws IllegalArgumentException with the message to show when the text is none of these
     */
    static Target parse(String text, boolean namespaceGiven) {
        if (text.equals("local")) {
            return new Local(Optional.empty());
        }
        if (text.startsWith("local:")) {
            String pid = text.substring("local:".length());
            if (!pid.matches("0*[1-9]\\d{0,9}")) {
                throw new IllegalArgumentException("'" + pid + "' is not a pid: give local:PID with a positive number");
            }
            return new Local(Optional.of(Long.parseLong(pid)));
        }
        if (text.startsWith("pod/") || text.startsWith("pods/") || text.startsWith("po/")) {
            return new Pod(Names.pod(text.substring(text.indexOf('/') + 1)));
        }
        if (text.startsWith("hosts/")) {
            return new HostGroup(HostGroups.checkName(text.substring("hosts/".length())));
        }
        if (text.startsWith("ssh://")) {
            String rest = text.substring("ssh://".length());
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            Optional<String> user = Optional.empty();
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                user = Optional.of(Names.user(rest.substring(0, at)));
                rest = rest.substring(at + 1);
            }
            OptionalInt port = OptionalInt.empty();
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("'" + rest + "' has no closing ']': an IPv6 address is written"
                            + " ssh://[::1] or ssh://[::1]:2222");
                }
                String after = rest.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + after + "' after the IPv6 address is not ':PORT'");
                }
                if (!after.isEmpty()) {
                    port = OptionalInt.of(port(after.substring(1)));
                }
                String v6 = rest.substring(1, close);
                if (!v6.matches("[0-9A-Fa-f:.]{2,45}") || !v6.contains(":")) {
                    throw new IllegalArgumentException("'" + v6 + "' in brackets is not an IPv6 address");
                }
                return new Ssh(user, v6, port);
            }
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                port = OptionalInt.of(port(rest.substring(colon + 1)));
                rest = rest.substring(0, colon);
            }
            return new Ssh(user, Names.host(rest), port);
        }
        if (namespaceGiven) {
            return new Pod(Names.pod(text));
        }
        if (text.contains("://")) {
            throw new IllegalArgumentException("'" + text.substring(0, text.indexOf("://") + 3) + "' is not a scheme Sage"
                    + " reaches: give ssh://USER@HOST, pod/NAME, local:PID or hosts/GROUP");
        }
        throw new IllegalArgumentException("'" + text + "' is not a target: give local:PID, local, pod/NAME (or NAME"
                + " with -n NAMESPACE), ssh://USER@HOST or hosts/GROUP");
    }

    private static int port(String p) {
        if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
            throw new IllegalArgumentException("'" + p + "' is not a TCP port (1 to 65535)");
        }
        return Integer.parseInt(p);
    }
}
