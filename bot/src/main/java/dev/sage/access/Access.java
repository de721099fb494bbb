package dev.sage.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may do what where, from {@code access:} in the bot's configuration: each rule names people (users, Slack user
 * groups) in places (channels, direct messages), what they may do, and what they may touch. Default deny: with no rule
 * nobody may run anything on a target. Pure and immutable.
 *
 * @param admins whom a refused person is told to ask: user ids ({@code U…}) or user group ids ({@code S…})
 * @param rules the rules; a request is allowed when one of them allows it
 * @param adminsChannel where Sage tells admins what needs them (a team playbook refused on reload); empty: nowhere
 */
public record Access(List<String> admins, List<Rule> rules, String adminsChannel) {
    public Access {
        admins = List.copyOf(admins);
        rules = List.copyOf(rules);
    }

    public Access(List<String> admins, List<Rule> rules) {
        this(admins, rules, "");
    }


    /** No rule, no admin: nothing remote is allowed. */
    public static final Access NONE = new Access(List.of(), List.of());

    /** What a person may do. */
    public enum Action {
        DIAGNOSE, COMPARE, WATCH, ANALYZE, PROFILE, ACT, DIGEST;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The action named {@code word} in a configuration, or null. */
        public static Action of(String word) {
            for (Action a : values()) {
                if (a.word().equals(word)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** What a request touches. */
    public sealed interface Place {
        /**
         * A pod in {@code namespace} ({@code ""}: not known yet) of {@code context} ({@code ""}: the default context);
         * {@code defaultContext} when {@code context} is the one the configuration makes the default, so that a rule
         * written without a context covers it.
         */
        record Pod(String context, String namespace, boolean defaultContext) implements Place {
            public Pod(String context, String namespace) {
                this(context, namespace, context.isEmpty());
            }
        }

        /** A host reached over SSH by its address: no rule covers one (host groups do). */
        record Host(String host) implements Place {}

        record HostGroup(String name) implements Place {}

        /** A JVM on the bot's own machine. */
        record Local() implements Place {}

        /** Files people shared: nothing remote is touched. */
        record Files() implements Place {}

        /** A configured digest's fleet: its targets are the configuration's, not the person's. */
        record Fleet() implements Place {}
    }

    /**
     * Who asks, and where.
     *
     * @param groups the Slack user groups the person belongs to (only those the rules name are looked up)
     */
    public record Who(String user, String channel, Set<String> groups) {
        /** Direct messages have channel ids starting with D. */
        boolean directMessage() {
            return channel.startsWith("D");
        }
    }

    /**
     * One rule.
     *
     * @param channels channel ids, {@code dm} for direct messages, or {@code *}; empty: everywhere
     * @param users user ids or {@code *}
     * @param groups Slack user group ids whose members the rule covers
     * @param may what they may do
     * @param kubernetes contexts ({@code ""}: the default one) to their namespace globs
     * @param hostGroups host group globs
     * @param local whether JVMs on the bot's own machine
     */
    public record Rule(List<String> channels, List<String> users, List<String> groups, Set<Action> may,
                       Map<String, List<String>> kubernetes, List<String> hostGroups, boolean local) {
        public Rule {
            channels = List.copyOf(channels);
            users = List.copyOf(users);
            groups = List.copyOf(groups);
            may = Set.copyOf(may);
            kubernetes = Map.copyOf(kubernetes);
            hostGroups = List.copyOf(hostGroups);
        }

        boolean covers(Who who) {
            boolean place = channels.isEmpty() || channels.contains("*") || channels.contains(who.channel())
                    || (who.directMessage() && channels.contains("dm"));
            boolean person = users.contains("*") || users.contains(who.user())
                    || groups.stream().anyMatch(who.groups()::contains);
            return place && person;
        }

        public boolean reaches(Place place) {
            if (place instanceof Place.Pod p) {
                List<String> globs = kubernetes.containsKey(p.context()) ? kubernetes.get(p.context())
                        : p.defaultContext() ? kubernetes.get("") : null;
                return globs != null && matches(globs, p.namespace());
            }
            if (place instanceof Place.Host) {
                return false;
            }
            if (place instanceof Place.HostGroup g) {
                return matches(hostGroups, g.name());
            }
            return place instanceof Place.Local ? local : true;
        }

        /** "diagnose, compare: pods in payments-* (default context); host groups batch-*". */
        String describe() {
            List<String> where = new ArrayList<>();
            kubernetes.forEach((ctx, ns) -> where.add("pods in " + quoted(ns) + " ("
                    + (ctx.isEmpty() ? "default context" : "context " + quote(ctx)) + ")"));
            if (!hostGroups.isEmpty()) {
                where.add("host groups " + quoted(hostGroups));
            }
            if (local) {
                where.add("JVMs on Sage's own machine");
            }
            String what = may.stream().sorted().map(Action::word).collect(Collectors.joining(", "));
            return what + (where.isEmpty() ? "" : ": " + String.join("; ", where));
        }
    }

    /** Whether any rule grants {@code action} to anyone: buttons for it are worth showing. */
    public boolean anyMay(Action action) {
        return rules.stream().anyMatch(r -> r.may().contains(action));
    }

    /** Every user group a rule names: only these are looked up for a person. */
    public Set<String> groupsNamed() {
        return rules.stream().flatMap(r -> r.groups().stream()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The answer: allowed, or refused with what this person may do here instead (plain text: it quotes the request)
     * and whom to ask (Slack ids).
     */
    public record Decision(boolean allowed, String reason, List<String> admins) {}

    public Decision decide(Who who, Action action, Place place) {
        if (rules.isEmpty() && action == Action.ANALYZE && place instanceof Place.Files) {
            return new Decision(true, "", List.of()); // default deny is for targets: reading a shared file touches none
        }
        List<Rule> covering = rules.stream().filter(r -> r.covers(who)).toList();
        if (covering.stream().anyMatch(r -> r.may().contains(action) && r.reaches(place))) {
            return new Decision(true, "", List.of());
        }
        String here = who.directMessage() ? "in a direct message" : "in this channel";
        String what = place instanceof Place.Pod p ? " pods in " + (p.namespace().isEmpty() ? "the default namespace"
                : quote(p.namespace())) + (p.context().isEmpty() ? "" : " (context " + quote(p.context()) + ")")
                : place instanceof Place.HostGroup g ? " host group " + quote(g.name())
                : place instanceof Place.Host h ? " " + quote(h.host()) + " (hosts are reached through host groups)"
                : place instanceof Place.Local ? " JVMs on Sage's own machine"
                : place instanceof Place.Fleet ? " the configured fleets" : " shared files";
        String may = covering.isEmpty() ? "No rule lets you run anything on a target " + here + "."
                : "Here you may " + covering.stream().map(Rule::describe).collect(Collectors.joining("; or ")) + ".";
        return new Decision(false, "You may not " + action.word() + what + " " + here + ". " + may, admins);
    }

    /** A Slack mention of a user ({@code U…}/{@code W…}) or a user group ({@code S…}). */
    public static String mention(String id) {
        return id.startsWith("S") ? "<!subteam^" + id + ">" : "<@" + id + ">";
    }

    /** A name or glob as code, so that {@code *} and {@code _} read as themselves; a backquote in it cannot close it. */
    static String quote(String name) {
        return "`" + name.replace('`', '\'') + "`";
    }

    static String quoted(List<String> names) {
        return names.stream().map(Access::quote).collect(Collectors.joining(", "));
    }

    /** Whether {@code name} matches one of {@code globs} ({@code *} any run of characters, {@code ?} one). */
    public static boolean matches(List<String> globs, String name) {
        return globs.stream().anyMatch(g -> Pattern.compile(g.chars().mapToObj(c -> c == '*' ? ".*" : c == '?' ? "."
                : Pattern.quote(Character.toString(c))).collect(Collectors.joining())).matcher(name).matches());
    }
}
