package dev.sage.service;

import dev.sage.transport.Names;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Named groups of SSH hosts, from a YAML file ({@code $SAGE_HOSTS}, else {@code ~/.config/sage/hosts.yaml}):
 *
 * <pre>
 * groups:
 *   payments:
 *     user: deploy            # optional, as ssh_config would give it otherwise
 *     sudo_user: payments     # optional: run the commands as the JVM's user
 *     main_class: PaymentApp  # optional: which JVM on each host
 *     hosts: [app-1.internal, app-2.internal:2222]
 * </pre>
 *
 * Every name is checked against its grammar when the file is read. Pure but for reading the file.
 */
public final class HostGroups {
    /** One group: its hosts (each with the group's user) and what applies to each. */
    public record Group(String name, Optional<String> sudoUser, Optional<String> mainClass, List<Target.Ssh> hosts) {
    }

    private HostGroups() {
    }

    /** Where the groups are configured. */
    public static Path file() {
        String configured = System.getenv("SAGE_HOSTS");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".config", "sage", "hosts.yaml");
    }

    /**
     * The group named {@code name} in {@code file}.
     *
     * @throws IllegalArgumentException with the message to show: no file, a bad file, no such group
     */
    public static Group load(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no host groups are configured: " + file + " does not exist (set"
                    + " SAGE_HOSTS to the file)");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Map<?, ?> groups = root instanceof Map<?, ?> m && m.get("groups") instanceof Map<?, ?> g ? g : null;
        if (groups == null) {
            throw new IllegalArgumentException(file + " has no 'groups:' mapping");
        }
        if (!(groups.get(name) instanceof Map<?, ?> group)) {
            throw new IllegalArgumentException("no host group '" + name + "' in " + file + "; it has: "
                    + String.join(", ", groups.keySet().stream().map(String::valueOf).sorted().toList()));
        }
        String where = "group '" + name + "' in " + file;
        Optional<String> user = text(group, "user", where).map(Names::user);
        Optional<String> sudoUser = text(group, "sudo_user", where).map(Names::user);
        Optional<String> mainClass = text(group, "main_class", where);
        if (!(group.get("hosts") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(where + " has no 'hosts:' list");
        }
        List<Target.Ssh> hosts = new ArrayList<>();
        for (Object h : list) {
            String host = String.valueOf(h);
            OptionalInt port = OptionalInt.empty();
            int colon = host.lastIndexOf(':');
            if (colon > 0) {
                String p = host.substring(colon + 1);
                if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                    throw new IllegalArgumentException(where + ": '" + host + "' has no valid port");
                }
                port = OptionalInt.of(Integer.parseInt(p));
                host = host.substring(0, colon);
            }
            hosts.add(new Target.Ssh(user, Names.host(host), port));
        }
        return new Group(name, sudoUser, mainClass, hosts);
    }

    private static Optional<String> text(Map<?, ?> group, String key, String where) {
        Object v = group.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a single value");
        }
        return Optional.of(String.valueOf(v));
    }

    /** Group names are what a person types after {@code hosts/}. */
    public static String checkName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("'" + name + "' is not a host group name: letters, digits, '.', '_' and '-'");
        }
        return name;
    }
}
