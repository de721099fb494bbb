package dev.sage.slack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a person wrote to Sage, forgiving in grammar: {@code diagnose X -n prod}, {@code X in prod},
 * {@code what's wrong with X}, a pasted pod link or {@code namespace/pod}, {@code compare X with auto},
 * {@code watch X for 30s}, {@code analyze} (with a file or a pasted dump), {@code playbooks}, {@code help}.
 * Names are not checked here (the diagnosis service checks every name against its grammar). Pure.
 */
public final class Conversation {
    private Conversation() {}

    /** What a message asks for. */
    public sealed interface Ask {
    }

    /**
     * Diagnose a target once, against a sibling, or over a time.
     *
     * @param target what was named: a pod name, {@code pod/NAME}, {@code local:PID}, {@code ssh://HOST}, {@code hosts/G}
     * @param compareWith {@code auto} or a pod, for {@code compare}
     * @param watchFor how long to watch, for {@code watch}
     * @param profileFor how long to record the JVM after collecting ({@code --profile 30s})
     */
    public record Diagnose(String target, Optional<String> namespace, Optional<String> container,
                           Optional<String> context, Optional<Long> pid, Optional<String> mainClass,
                           Optional<String> compareWith, Optional<Duration> watchFor, Optional<Duration> profileFor)
            implements Ask {
        public Diagnose(String target, Optional<String> namespace, Optional<String> container, Optional<String> context,
                        Optional<Long> pid, Optional<String> mainClass, Optional<String> compareWith,
                        Optional<Duration> watchFor) {
            this(target, namespace, container, context, pid, mainClass, compareWith, watchFor, Optional.empty());
        }

        /** The same target, compared with a sibling or watched over a time (or neither), and not recorded. */
        public Diagnose as(Optional<String> compare, Optional<Duration> watch) {
            return new Diagnose(target, namespace, container, context, pid, mainClass, compare, watch, Optional.empty());
        }
    }

    /** Analyse a shared file or a dump pasted in a code block ({@code pasted}, when there is one). */
    public record Analyze(Optional<String> pasted) implements Ask {
    }

    /** List the playbooks in force, or ({@code reload}, admins only) read the team directories again now. */
    public record Playbooks(boolean reload) implements Ask {
    }

    /**
     * Record {@code target} with JDK Flight Recorder for {@code duration} and say where its memory and CPU go; when its
     * {@code compareWith} is set, that JVM is recorded beside it ({@code auto}: a healthy sibling pod).
     */
    public record Profile(Diagnose target, Duration duration) implements Ask {
    }

    /** Why the playbook {@code id} fires or not on the captures Sage attached in this thread. */
    public record Explain(String id) implements Ask {
    }

    /** Run the digest {@code name} now, here; {@code name} empty: list the digests. */
    public record Digest(String name) implements Ask {
    }

    /** Show what Sage understands; {@code why} says what was not understood, empty when help was asked for. */
    public record Help(String why) implements Ask {
    }

    /** Options that take the next word as their value, by every way of writing them. */
    private enum Option {
        NAMESPACE("a namespace"), CONTAINER("a container"), CONTEXT("a kubeconfig context"),
        MAIN_CLASS("(part of) the JVM's main class");

        final String what;

        Option(String what) {
            this.what = what;
        }
    }

    private static final Map<String, Option> OPTIONS = Map.ofEntries(
            Map.entry("-n", Option.NAMESPACE), Map.entry("--namespace", Option.NAMESPACE),
            Map.entry("namespace", Option.NAMESPACE), Map.entry("ns", Option.NAMESPACE),
            Map.entry("-c", Option.CONTAINER), Map.entry("--container", Option.CONTAINER),
            Map.entry("container", Option.CONTAINER),
            Map.entry("--context", Option.CONTEXT), Map.entry("context", Option.CONTEXT), Map.entry("cluster", Option.CONTEXT),
            Map.entry("--main-class", Option.MAIN_CLASS), Map.entry("main-class", Option.MAIN_CLASS),
            Map.entry("class", Option.MAIN_CLASS));

    private static final java.util.Set<String> FILLER = java.util.Set.of("a", "the", "another", "its", "pod", "one");
    private static final java.util.Set<String> SIBLING = java.util.Set.of("auto", "healthy", "sibling", "one");

    /** The longest watch a chat message may ask for. */
    static final Duration MAX_WATCH = Duration.ofMinutes(5);
    static final Duration DEFAULT_WATCH = Duration.ofSeconds(30);

    private static final Pattern MENTION = Pattern.compile("<@[A-Z0-9]+(?:\\|[^>]*)?>");
    private static final Pattern CODE_BLOCK = Pattern.compile("```(.*?)```", Pattern.DOTALL);
    /** A link as Slack sends it: {@code <https://x|label>} or {@code <https://x>}. */
    private static final Pattern LINK = Pattern.compile("<(https?://[^|>]+)(?:\\|[^>]*)?>");
    private static final Pattern WRONG_WITH = Pattern.compile(
            "^(?:what(?:'|’)?s|what is|whats)\\s+(?:wrong|up|going on)\\s+with\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,4})\\s*(s|sec|secs|seconds?|m|min|mins|minutes?)?",
            Pattern.CASE_INSENSITIVE);

    /**
     * What {@code text} (a message as Slack delivers it: mentions as {@code <@U123>}, links in angle brackets,
     * {@code &amp; &lt; &gt;} escaped) asks for.
     *
     * @param hasFiles whether files came with the message, so that a bare mention with a file means {@code analyze}
     */
    public static Ask read(String text, boolean hasFiles) {
        String t = MENTION.matcher(text == null ? "" : text).replaceAll(" ");
        Matcher code = CODE_BLOCK.matcher(t);
        if (code.find()) {
            String pasted = unescape(code.group(1)).strip();
            return new Analyze(pasted.isEmpty() ? Optional.empty() : Optional.of(pasted));
        }
        t = LINK.matcher(t).replaceAll(m -> Matcher.quoteReplacement(" " + m.group(1) + " "));
        t = unescape(t).strip();
        t = WRONG_WITH.matcher(t).replaceFirst("diagnose ");
        List<String> words = new ArrayList<>(List.of(t.split("\\s+")));
        words.removeIf(String::isBlank);
        if (words.isEmpty()) {
            return hasFiles ? new Analyze(Optional.empty()) : new Help("");
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT).replaceAll("[:,]$", "");
        switch (verb) {
            case "help", "?", "hi", "hello", "usage" -> {
                return new Help("");
            }
            case "playbooks", "playbook" -> {
                return new Playbooks(words.size() > 1 && words.get(1).toLowerCase(Locale.ROOT).startsWith("reload"));
            }
            case "explain" -> {
                if (words.size() < 2) {
                    return new Help("explain which playbook? In a diagnosis thread, e.g. `explain thread-leak`.");
                }
                return new Explain(words.get(1).toLowerCase(Locale.ROOT).replaceAll("^`|`$|[?.!,]$", ""));
            }
            case "digest", "digests", "fleet" -> {
                return new Digest(words.size() > 1 ? words.get(1).toLowerCase(Locale.ROOT) : "");
            }
            case "profile", "record" -> {
                words.remove(0);
                Ask asked = diagnose("profile", words);
                if (asked instanceof Diagnose d) {
                    // "with B" names a JVM to record beside it (auto: a healthy sibling pod)
                    return new Profile(d.as(d.compareWith(), Optional.empty()), d.watchFor().orElse(DEFAULT_WATCH));
                }
                return asked;
            }
            case "analyze", "analyse", "read" -> {
                return new Analyze(Optional.empty());
            }
            case "diagnose", "check", "debug", "investigate", "inspect", "look", "compare", "watch" -> {
                words.remove(0);
                if (verb.equals("look") && !words.isEmpty() && words.get(0).equalsIgnoreCase("at")) {
                    words.remove(0);
                }
                return diagnose(verb, words);
            }
            default -> {
                if (looksLikeTarget(words.get(0))) {
                    return diagnose("diagnose", words);
                }
                return hasFiles ? new Analyze(Optional.empty())
                        : new Help("Sage did not understand \u201c" + Mrkdwn.cut(t, 80) + "\u201d.");
            }
        }
    }

    private static Ask diagnose(String verb, List<String> words) {
        if (words.isEmpty()) {
            return new Help(verb + " what? Name a pod, e.g. `" + verb + " payments-7d9f8-x2kq -n prod`.");
        }
        String target = null;
        Map<Option, String> values = new EnumMap<>(Option.class);
        Optional<Long> pid = Optional.empty();
        Optional<String> compareWith = verb.equals("compare") ? Optional.of("auto") : Optional.empty();
        Optional<Duration> watchFor = verb.equals("watch") ? Optional.of(DEFAULT_WATCH) : Optional.empty();
        Optional<Duration> profileFor = Optional.empty();
        for (int i = 0; i < words.size(); i++) {
            String w = trimPunctuation(words.get(i));
            String lower = w.toLowerCase(Locale.ROOT);
            String next = i + 1 < words.size() ? trimPunctuation(words.get(i + 1)) : null;
            Option option = OPTIONS.get(lower);
            if (option != null) {
                if (next == null) {
                    return new Help("`" + w + "` needs " + option.what + " after it.");
                }
                values.put(option, next);
                i++;
                continue;
            }
            switch (lower) {
                case "in" -> {
                    if (next != null && List.of("namespace", "ns").contains(next.toLowerCase(Locale.ROOT))
                            && i + 2 < words.size()) {
                        i++;
                        next = trimPunctuation(words.get(i + 1));
                    }
                    if (next == null) {
                        return new Help("`in` needs a namespace after it.");
                    }
                    values.put(Option.NAMESPACE, next);
                    i++;
                }
                case "--pid", "pid" -> {
                    if (next == null || !next.matches("[1-9]\\d{0,9}")) {
                        return new Help("`" + w + "` needs the JVM's pid after it.");
                    }
                    pid = Optional.of(Long.parseLong(next));
                    i++;
                }
                case "with", "against", "to", "--compare" -> {
                    if (next == null) {
                        return new Help("compare with what? `auto` (a healthy sibling) or a pod name.");
                    }
                    // "with auto", "with a healthy sibling", "with the pod payments-2"
                    int j = i + 1;
                    while (j < words.size() && FILLER.contains(lower(words.get(j)))) {
                        j++;
                    }
                    boolean sibling = false;
                    while (j < words.size() && SIBLING.contains(lower(words.get(j)))) {
                        sibling = true;
                        j++;
                    }
                    if (!sibling && j >= words.size()) {
                        return new Help("compare with what? `auto` (a healthy sibling) or a pod name.");
                    }
                    compareWith = Optional.of(sibling ? "auto" : trimPunctuation(words.get(j)));
                    i = sibling ? j - 1 : j;
                }
                case "for", "--watch" -> {
                    Length length = lengthAfter(words, i);
                    if (length == null) {
                        return new Help(verb + " for how long? e.g. `" + verb + " " + (target == null ? "POD" : target)
                                + " for 30s`.");
                    }
                    if (length.duration().compareTo(MAX_WATCH) > 0 || length.duration().isZero()) {
                        return new Help("a " + (verb.equals("profile") ? "profile" : "watch") + " lasts between 1 s and "
                                + MAX_WATCH.toMinutes() + " min.");
                    }
                    watchFor = Optional.of(length.duration());
                    i += length.words();
                }
                case "--profile", "profiling" -> {
                    if (verb.equals("profile")) {
                        return new Help("`profile` records already; give its length with `for`, e.g. `profile "
                                + (target == null ? "POD" : target) + " for 30s`.");
                    }
                    Length length = lengthAfter(words, i);
                    if (length == null || length.duration().isZero() || length.duration().compareTo(MAX_WATCH) > 0) {
                        return new Help("`--profile` needs how long to record, 1 s to " + MAX_WATCH.toMinutes()
                                + " min, e.g. `" + verb + " " + (target == null ? "POD" : target) + " --profile 30s`.");
                    }
                    profileFor = Optional.of(length.duration());
                    i += length.words();
                }
                case "please", "pod", "the", "a", "on", "of", "for?" -> {
                    // filler
                }
                default -> {
                    if (target != null) {
                        return new Help("Sage read `" + Mrkdwn.cut(target, 60) + "` as the target and does not know what"
                                + " `" + Mrkdwn.cut(w, 60) + "` means after it.");
                    }
                    target = w;
                }
            }
        }
        if (target == null) {
            return new Help(verb + " what? Name a pod, e.g. `" + verb + " payments-7d9f8-x2kq -n prod`.");
        }
        Optional<String> namespace = Optional.ofNullable(values.get(Option.NAMESPACE));
        Optional<String> container = Optional.ofNullable(values.get(Option.CONTAINER));
        Optional<String> context = Optional.ofNullable(values.get(Option.CONTEXT));
        Optional<String> mainClass = Optional.ofNullable(values.get(Option.MAIN_CLASS));
        // a pasted link to a pod, or namespace/pod
        Optional<String[]> fromLink = podFromLink(target);
        if (fromLink.isPresent()) {
            target = fromLink.get()[1];
            if (namespace.isEmpty() && fromLink.get()[0] != null) {
                namespace = Optional.of(fromLink.get()[0]);
            }
        } else if (target.matches("[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9.-]{0,252}")
                && !target.startsWith("pod/") && !target.startsWith("pods/") && !target.startsWith("po/")
                && !target.startsWith("hosts/")) {
            int slash = target.indexOf('/');
            if (namespace.isEmpty()) {
                namespace = Optional.of(target.substring(0, slash));
            }
            target = target.substring(slash + 1);
        }
        return new Diagnose(target, namespace, container, context, pid, mainClass, compareWith, watchFor, profileFor);
    }

    private static final String NAME = "([a-z0-9][a-z0-9.-]{0,252})";
    /** {@code .../namespaces/prod/pods/payments-1...}: the API's own path, as consoles use it. */
    private static final Pattern API_PATH = Pattern.compile("/namespaces?/" + NAME + "/pods?/" + NAME + "(?:[/?#]|$)");
    /** {@code .../pod/prod/payments-1}: the Kubernetes dashboard's. */
    private static final Pattern DASHBOARD_PATH = Pattern.compile("/pods?/" + NAME + "/" + NAME + "(?:[?#]|$)");
    private static final Pattern POD_PATH = Pattern.compile("/pods?/" + NAME + "(?:[/?#]|$)");
    private static final Pattern NAMESPACE_QUERY = Pattern.compile("[?&]namespace=" + NAME);

    /** {namespace or null, pod} from a link to a pod in a console or dashboard. */
    static Optional<String[]> podFromLink(String text) {
        if (!text.startsWith("http://") && !text.startsWith("https://")) {
            return Optional.empty();
        }
        Matcher api = API_PATH.matcher(text);
        if (api.find()) {
            return Optional.of(new String[] {api.group(1), api.group(2)});
        }
        Matcher dashboard = DASHBOARD_PATH.matcher(text);
        if (dashboard.find()) {
            return Optional.of(new String[] {dashboard.group(1), dashboard.group(2)});
        }
        Matcher pod = POD_PATH.matcher(text);
        if (!pod.find()) {
            return Optional.empty();
        }
        Matcher ns = NAMESPACE_QUERY.matcher(text);
        return Optional.of(new String[] {ns.find() ? ns.group(1) : null, pod.group(1)});
    }

    private static boolean looksLikeTarget(String word) {
        String w = trimPunctuation(word);
        return w.startsWith("local") || w.startsWith("ssh://") || w.startsWith("hosts/") || w.startsWith("pod/")
                || w.startsWith("http://") || w.startsWith("https://")
                || w.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)?") && w.contains("-");
    }

    /** A length written after a word: its duration, and how many words it took ({@code 30s}: 1, {@code 2 min}: 2). */
    private record Length(Duration duration, int words) {}

    /** The length written after {@code words[i]} ({@code 30s}, {@code 30 s}, {@code 2 min}), or null when none is. */
    private static Length lengthAfter(List<String> words, int i) {
        String amount = i + 1 < words.size() ? trimPunctuation(words.get(i + 1)) : "";
        String unit = i + 2 < words.size() ? trimPunctuation(words.get(i + 2)) : "";
        boolean separateUnit = amount.matches("\\d{1,4}") && unit.matches("(?i)s|secs?|seconds?|m|mins?|minutes?");
        Matcher d = DURATION.matcher(separateUnit ? amount + unit : amount);
        return d.matches() ? new Length(duration(d), separateUnit ? 2 : 1) : null;
    }

    private static Duration duration(Matcher d) {
        long n = Long.parseLong(d.group(1));
        String unit = d.group(2) == null ? "s" : d.group(2).toLowerCase(Locale.ROOT);
        return unit.startsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }

    private static String lower(String w) {
        return trimPunctuation(w).toLowerCase(Locale.ROOT);
    }

    private static String trimPunctuation(String w) {
        return w.replaceAll("^[`'\"“‘(]+|[`'\"”’)?!.,;:]+$", "");
    }

    static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

}
