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
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                String p = rest.substring(colon + 1);
                if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                    throw new IllegalArgumentException("'" + p + "' is not a TCP port (1 to 65535)");
                }
                port = OptionalInt.of(Integer.parseInt(p));
                rest = rest.substring(0, colon);
            }
            return new Ssh(user, Names.host(rest), port);
        }
        if (namespaceGiven) {
            return new Pod(Names.pod(text));
        }
        throw new IllegalArgumentException("'" + text + "' is not a target: give local:PID, local, pod/NAME (or NAME"
                + " with -n NAMESPACE), ssh://USER@HOST or hosts/GROUP");
    }
}
