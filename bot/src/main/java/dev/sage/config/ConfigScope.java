package dev.sage.config;

import dev.sage.service.Scope;
import dev.sage.service.Target;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the bot may touch, from its configuration: pods in the listed contexts and namespaces (globs), the listed host
 * groups, and this machine only when {@code local: true}. Anything else is refused, saying what is allowed and where
 * to change it. A configuration that lists nothing lets nothing be touched. Immutable and thread-safe.
 */
public final class ConfigScope implements Scope {
    private final BotConfig config;
    private final String file;

    /** @param file the configuration file, for refusals */
    public ConfigScope(BotConfig config, String file) {
        this.config = config;
        this.file = file;
    }

    /**
     * What a request touches, for the access rules and the playbook directories' scopes. A pod's namespace not known
     * yet is {@code ""}: only a {@code "*"} glob covers it.
     */
    public static dev.sage.access.Access.Place place(BotConfig config, dev.sage.service.DiagnoseRequest request) {
        return place(config, request, "");
    }

    /**
     * As {@link #place(BotConfig, DiagnoseRequest)}, with the context a pod was reached through once known: a request
     * that named none is then in both the default context and that one.
     */
    public static dev.sage.access.Access.Place place(BotConfig config, dev.sage.service.DiagnoseRequest request,
                                                     String reachedThrough) {
        if (request.target() instanceof Target.Pod) {
            String context = request.context().orElse(reachedThrough);
            return new dev.sage.access.Access.Place.Pod(context, request.namespace().orElse(""), request.context().isEmpty()
                    || context.isEmpty() || context.equals(config.kubernetes().defaultContext()));
        }
        if (request.target() instanceof Target.HostGroup g) {
            return new dev.sage.access.Access.Place.HostGroup(g.name());
        }
        if (request.target() instanceof Target.Ssh s) {
            return new dev.sage.access.Access.Place.Host(s.host());
        }
        return new dev.sage.access.Access.Place.Local();
    }

    @Override
    public String refusal(Target target, String context, String namespace) {
        if (target instanceof Target.Local) {
            return config.local() ? null : "this Sage does not diagnose JVMs on its own machine (`local: true` in " + file
                    + " allows it)";
        }
        if (target instanceof Target.Ssh) {
            return "this Sage reaches SSH hosts only through the host groups of its configuration: name one as hosts/GROUP";
        }
        if (target instanceof Target.HostGroup g) {
            return matches(config.hostGroups().allowed(), g.name()) ? null : "host group " + g.name() + " is not one this"
                    + " Sage may reach (host_groups.allowed in " + file + allowed(config.hostGroups().allowed()) + ")";
        }
        Map<String, List<String>> contexts = config.kubernetes().contexts();
        List<String> namespaces = contexts.get(context);
        String where = context.isEmpty() ? "the default context" : "context " + context;
        if (namespaces == null) {
            return contexts.isEmpty() ? "this Sage may not reach any pod yet: list contexts and namespaces under"
                    + " kubernetes.contexts in " + file
                    : where + " is not one this Sage may reach; it may reach " + contexts.keySet().stream()
                    .map(c -> c.isEmpty() ? "the default context" : c).collect(Collectors.joining(", "));
        }
        if (namespace == null) {
            return null; // the context is allowed; its namespace is checked once known
        }
        return matches(namespaces, namespace) ? null : "namespace " + namespace + " in " + where + " is not one this Sage"
                + " may reach (kubernetes.contexts in " + file + allowed(namespaces) + ")";
    }

    private static String allowed(List<String> globs) {
        return globs.isEmpty() ? "" : " allows " + String.join(", ", globs);
    }

    static boolean matches(List<String> globs, String name) {
        return dev.sage.access.Access.matches(globs, name);
    }
}
