package dev.sage.playbook;

import dev.sage.check.BuiltinChecks;
import dev.sage.check.Check;
import dev.sage.check.Param;
import dev.sage.check.Params;
import dev.sage.check.Requirement;
import dev.sage.diagnosis.Severity;
import dev.sage.snapshot.GarbageCollector;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and validates playbook files: the built-in catalogue (resources listed in {@code builtin/INDEX}) and
 * teams' directories. Every key, type and value is checked, every check name and its parameters, every
 * figure a template names; an error names the file, the line, the key and the reason. A broken file is
 * refused alone: the others still load. A team file with a built-in's id replaces it; {@code disabled: true}
 * turns it off. YAML is read as a node tree only (no object is ever constructed from it).
 */
public final class PlaybookLoader {
    private static final String BUILTIN = "dev/sage/playbook/builtin/";
    private static final Set<String> KEYS = Set.of("id", "title", "severity", "description", "requires", "when",
            "expr", "evidence", "fixes", "applies_to", "disabled");
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,63}");
    private static final Pattern FIGURE = Pattern.compile("\\{\\{\\s*([a-z_][a-z0-9_]*)\\s*}}");

    /** What loading gave: the playbooks in force, the ids turned off, and the files refused. */
    /**
     * What is in force.
     *
     * @param replaced what team files changed in the built-in catalogue, in words a report can show:
     *     {@code thread-leak: the built-in is replaced by /etc/sage/playbooks/leak.yaml}, {@code timer-leak: disabled by ...}
     */
    public record Loaded(List<Playbook> playbooks, List<String> disabled, List<PlaybookError> errors, List<String> replaced) {
        public Loaded {
            playbooks = List.copyOf(playbooks);
            disabled = List.copyOf(disabled);
            errors = List.copyOf(errors);
            replaced = List.copyOf(replaced);
        }

        public Loaded(List<Playbook> playbooks, List<String> disabled, List<PlaybookError> errors) {
            this(playbooks, disabled, errors, List.of());
        }
    }

    private PlaybookLoader() {}

    /** The built-in catalogue. */
    public static Loaded builtins() {
        List<Playbook> out = new ArrayList<>();
        List<PlaybookError> errors = new ArrayList<>();
        for (String name : resource(BUILTIN + "INDEX").split("\n")) {
            String n = name.strip();
            if (n.isEmpty() || n.startsWith("#")) {
                continue;
            }
            Result r = parse("builtin/" + n, resource(BUILTIN + n));
            if (r.playbook != null) {
                out.add(r.playbook);
            }
            errors.addAll(r.errors);
        }
        return new Loaded(out, List.of(), errors);
    }

    /** True for a playbook id a file may declare: lower-case letters, digits and dashes, starting with a letter. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The text of the built-in playbook with this id, as shipped, comments and all. */
    public static java.util.Optional<String> builtinText(String id) {
        if (!validId(id)) {
            return java.util.Optional.empty();
        }
        for (String name : resource(BUILTIN + "INDEX").split("\n")) {
            String n = name.strip();
            if (n.equals(id + ".yaml")) {
                return java.util.Optional.of(resource(BUILTIN + n));
            }
        }
        return java.util.Optional.empty();
    }

    /** The built-ins with the playbook files of {@code dirs} loaded over them, in order. */
    public static Loaded withTeamDirectories(List<Path> dirs) {
        Map<Path, Loaded> teams = new LinkedHashMap<>();
        dirs.forEach(d -> teams.put(d, directory(d)));
        return overlay(builtins(), teams);
    }

    /** {@code base} with each directory's playbooks loaded over it, in order: what a team file replaces or disables. */
    static Loaded overlay(Loaded base, Map<Path, Loaded> teams) {
        Map<String, Playbook> byId = new LinkedHashMap<>();
        base.playbooks().forEach(p -> byId.put(p.id(), p));
        List<String> disabled = new ArrayList<>();
        List<PlaybookError> errors = new ArrayList<>(base.errors());
        List<String> replaced = new ArrayList<>();
        for (Map.Entry<Path, Loaded> t : teams.entrySet()) {
            Path dir = t.getKey();
            Loaded team = t.getValue();
            errors.addAll(team.errors());
            for (String id : team.disabled()) {
                if (byId.remove(id) != null) {
                    replaced.add(id + ": disabled by a team file in " + dir);
                }
                disabled.add(id);
            }
            team.playbooks().forEach(p -> {
                Playbook before = byId.put(p.id(), p);
                if (before != null) {
                    replaced.add(p.id() + ": " + (before.source().startsWith("builtin/") ? "the built-in" : before.source())
                            + " is replaced by " + p.source());
                }
            });
        }
        return new Loaded(new ArrayList<>(byId.values()), disabled, errors, replaced);
    }

    /** The playbook files ({@code *.yaml}, {@code *.yml}) directly in {@code dir}, in name order. */
    public static Loaded directory(Path dir) {
        List<PlaybookError> errors = new ArrayList<>();
        List<Path> files = listed(dir, errors);
        List<Map.Entry<Path, Result>> loaded = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                errors.add(unreadable(f, e));
                continue;
            }
            Result r = parse(f.toString(), text);
            errors.addAll(r.errors);
            if (r.errors.isEmpty()) {
                loaded.add(Map.entry(f, r));
            }
        }
        return assemble(dir, loaded, errors);
    }

    /** The playbook files of {@code dir}; none, with the reason added to {@code errors}, when it cannot be listed. */
    static List<Path> listed(Path dir, List<PlaybookError> errors) {
        if (!Files.isDirectory(dir)) {
            errors.add(new PlaybookError(dir.toString(), 0, "", "is not a directory"));
            return List.of();
        }
        try {
            return files(dir);
        } catch (IOException e) {
            errors.add(new PlaybookError(dir.toString(), 0, "", "cannot be listed: " + e.getMessage()));
            return List.of();
        }
    }

    static PlaybookError unreadable(Path file, IOException e) {
        return new PlaybookError(file.toString(), 0, "", "cannot be read: " + e.getMessage());
    }

    /**
     * One directory's playbooks from the files that loaded, in name order: a file whose id an earlier file of the
     * directory already uses is refused, its error added to {@code errors}.
     */
    static Loaded assemble(Path dir, List<Map.Entry<Path, Result>> loaded, List<PlaybookError> errors) {
        List<Playbook> out = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Map.Entry<Path, Result> l : loaded) {
            Result r = l.getValue();
            String id = r.playbook != null ? r.playbook.id() : r.disabledId;
            if (id != null && !ids.add(id)) {
                errors.add(new PlaybookError(l.getKey().toString(), r.idLine, "id", "'" + id
                        + "' is already used by another file in " + dir));
                continue;
            }
            if (r.playbook != null) {
                out.add(r.playbook);
            } else if (r.disabledId != null) {
                disabled.add(r.disabledId);
            }
        }
        return new Loaded(out, disabled, errors);
    }

    /** What one file gave: a playbook, or an id to disable, and the errors that refused it. */
    record Result(Playbook playbook, String disabledId, int idLine, List<PlaybookError> errors) {}

    /**
     * The playbook files ({@code *.yaml}, {@code *.yml}) directly in {@code dir}, in name order, links followed; hidden
     * names (an editor's {@code .#x.yaml} lock, a ConfigMap's {@code ..data}) are not playbooks.
     */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** Parses and validates one file. Pure. */
    static Result parse(String file, String text) {
        Errors e = new Errors(file);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException ex) {
            e.add(ex.getProblemMark() == null ? 0 : ex.getProblemMark().getLine() + 1, "", "not valid YAML: " + ex.getProblem());
            return new Result(null, null, 0, e.list);
        } catch (YAMLException ex) {
            e.add(0, "", "not valid YAML: " + ex.getMessage());
            return new Result(null, null, 0, e.list);
        }
        if (!(root instanceof MappingNode map)) {
            e.add(root == null ? 0 : line(root), "", "a playbook is a mapping of keys (id, title, severity, when, ...)");
            return new Result(null, null, 0, e.list);
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode());
            if (key == null) {
                e.add(line(t.getKeyNode()), "", "keys must be plain words");
                continue;
            }
            if (!KEYS.contains(key)) {
                e.add(line(t.getKeyNode()), key, "unknown key (known: " + String.join(", ", sorted(KEYS)) + ")");
                continue;
            }
            if (fields.put(key, t.getValueNode()) != null) {
                e.add(line(t.getKeyNode()), key, "given twice");
            }
        }
        String id = string(e, fields, "id", true);
        int idLine = fields.containsKey("id") ? line(fields.get("id")) : 0;
        if (id != null && !ID.matcher(id).matches()) {
            e.add(idLine, "id", "'" + id + "' must be lower-case letters, digits and dashes, starting with a letter");
        }
        boolean disabled = fields.containsKey("disabled") && bool(e, fields.get("disabled"), "disabled");
        if (disabled) {
            return new Result(null, e.list.isEmpty() ? id : null, idLine, e.list);
        }
        String title = string(e, fields, "title", true);
        Severity severity = severity(e, fields.get("severity"));
        String description = string(e, fields, "description", false);
        Set<Requirement> requires = requirements(e, fields.get("requires"));
        List<Expressions.Compiled> expr = expressions(e, fields.get("expr"));
        List<Playbook.Condition> when = fields.containsKey("when") || !fields.containsKey("expr")
                ? conditions(e, fields.get("when")) : List.of();
        // with a check unknown, its figures are unknown too: templates are then not judged
        boolean checksKnown = e.list.stream().noneMatch(x -> x.key().startsWith("when"));
        List<String> figures = checksKnown ? new ArrayList<>() : null;
        for (Playbook.Condition c : when) {
            if (figures != null) {
                uses(c).forEach(u -> figures.addAll(u.check().figures()));
            }
        }
        if (title != null) {
            checkFigures(e, fields.get("title"), "title", title, figures);
        }
        List<String> evidence = templates(e, fields.get("evidence"), "evidence", figures, true);
        List<Playbook.Fix> fixes = fixes(e, fields.get("fixes"), figures);
        Playbook.AppliesTo applies = appliesTo(e, fields.get("applies_to"));
        if (!e.list.isEmpty()) {
            return new Result(null, null, idLine, e.list);
        }
        return new Result(new Playbook(id, title, severity, description == null ? "" : description.strip(), requires,
                when, expr, evidence, fixes, applies, file), null, idLine, e.list);
    }

    // ---- field readers ----

    private static String string(Errors e, Map<String, Node> fields, String key, boolean required) {
        Node n = fields.get(key);
        if (n == null) {
            if (required) {
                e.add(0, key, "is required");
            }
            return null;
        }
        String s = scalar(n);
        if (s == null || s.isBlank()) {
            e.add(line(n), key, "must be a non-empty string");
            return null;
        }
        return s;
    }

    private static Severity severity(Errors e, Node n) {
        if (n == null) {
            e.add(0, "severity", "is required (critical, warning or info)");
            return null;
        }
        String s = scalar(n);
        for (Severity v : Severity.values()) {
            if (v.label().equals(s)) {
                return v;
            }
        }
        e.add(line(n), "severity", "'" + s + "' is not a severity: critical, warning or info");
        return null;
    }

    private static Set<Requirement> requirements(Errors e, Node n) {
        Set<Requirement> out = EnumSet.noneOf(Requirement.class);
        if (n == null) {
            return out;
        }
        for (Node item : items(e, n, "requires")) {
            String s = scalar(item);
            Requirement r = s == null ? null : Requirement.ofKey(s);
            if (r == null) {
                e.add(line(item), "requires", "'" + s + "' is not a capture; known: "
                        + String.join(", ", Stream.of(Requirement.values()).map(Requirement::key).toList()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static List<Expressions.Compiled> expressions(Errors e, Node n) {
        List<Expressions.Compiled> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        List<Node> list = n instanceof ScalarNode ? List.of(n) : items(e, n, "expr");
        for (int i = 0; i < list.size(); i++) {
            String source = scalar(list.get(i));
            if (source == null || source.isBlank()) {
                e.add(line(list.get(i)), "expr[" + i + "]", "must be a CEL expression (a string)");
                continue;
            }
            Object compiled = Expressions.compile(source);
            if (compiled instanceof Expressions.Refusal r) {
                e.add(line(list.get(i)) + r.line() - 1, "expr[" + i + "]", "CEL, column " + r.column() + ": " + r.reason());
            } else {
                out.add((Expressions.Compiled) compiled);
            }
        }
        return out;
    }

    private static List<Playbook.Condition> conditions(Errors e, Node n) {
        List<Playbook.Condition> out = new ArrayList<>();
        if (n == null) {
            e.add(0, "when", "is required (or expr): the checks that must hold");
            return out;
        }
        List<Node> list = items(e, n, "when");
        if (list.isEmpty() && n instanceof SequenceNode) {
            e.add(line(n), "when", "needs at least one check");
        }
        for (int i = 0; i < list.size(); i++) {
            Node item = list.get(i);
            String path = "when[" + i + "]";
            if (!(item instanceof MappingNode m) || m.getValue().size() != 1) {
                e.add(line(item), path, "each item is one check, like 'threads_waiting_on_same_lock: {min: 10}',"
                        + " or 'any_of: [...]'");
                continue;
            }
            NodeTuple t = m.getValue().get(0);
            String name = scalar(t.getKeyNode());
            if ("any_of".equals(name)) {
                List<Playbook.Condition.Uses> alternatives = new ArrayList<>();
                List<Node> alts = items(e, t.getValueNode(), path + ".any_of");
                for (int j = 0; j < alts.size(); j++) {
                    Playbook.Condition.Uses u = use(e, alts.get(j), path + ".any_of[" + j + "]");
                    if (u != null) {
                        alternatives.add(u);
                    }
                }
                if (alts.isEmpty()) {
                    e.add(line(t.getValueNode()), path + ".any_of", "needs at least one check");
                }
                out.add(new Playbook.Condition.AnyOf(alternatives));
            } else {
                Playbook.Condition.Uses u = use(e, item, path);
                if (u != null) {
                    out.add(u);
                }
            }
        }
        return out;
    }

    private static Playbook.Condition.Uses use(Errors e, Node item, String path) {
        if (!(item instanceof MappingNode m) || m.getValue().size() != 1) {
            e.add(line(item), path, "must be one check, like 'heap_used_fraction: {min: 0.9}'");
            return null;
        }
        NodeTuple t = m.getValue().get(0);
        String name = scalar(t.getKeyNode());
        Check check = name == null ? null : BuiltinChecks.named(name);
        if (check == null) {
            e.add(line(t.getKeyNode()), path, "unknown check '" + name + "'; known: "
                    + String.join(", ", BuiltinChecks.all().stream().map(Check::name).toList()));
            return null;
        }
        Map<String, Node> given = new LinkedHashMap<>();
        Node v = t.getValueNode();
        if (v instanceof MappingNode pm) {
            for (NodeTuple pt : pm.getValue()) {
                if (given.put(scalar(pt.getKeyNode()), pt.getValueNode()) != null) {
                    // YAML lets the last one win silently: a typo'd threshold would pass unnoticed
                    e.add(line(pt.getKeyNode()), path + "." + name + "." + scalar(pt.getKeyNode()), "given twice");
                    return null;
                }
            }
        } else if (!(v instanceof ScalarNode s && (s.getTag().equals(Tag.NULL) || s.getValue().isEmpty()))) {
            e.add(line(v), path + "." + name, "parameters are a mapping, like {min: 10}, or nothing");
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Node> g : given.entrySet()) {
            if (check.params().stream().noneMatch(p -> p.name().equals(g.getKey()))) {
                e.add(line(g.getValue()), path + "." + name + "." + g.getKey(), "unknown parameter; "
                        + (check.params().isEmpty() ? name + " takes none" : "known: "
                        + String.join(", ", check.params().stream().map(Param::name).toList())));
            }
        }
        for (Param p : check.params()) {
            Node pn = given.get(p.name());
            String key = path + "." + name + "." + p.name();
            if (pn == null) {
                if (p.defaultValue() == null) {
                    e.add(line(v), key, "is required (" + p.description() + ")");
                } else {
                    values.put(p.name(), p.defaultValue());
                }
                continue;
            }
            Object value = value(pn, p.type());
            if (value == null) {
                e.add(line(pn), key, "must be " + p.type().describe() + ", not '" + text(pn) + "'");
            } else {
                values.put(p.name(), value);
            }
        }
        return new Playbook.Condition.Uses(check, new Params(values));
    }

    private static Object value(Node n, Param.Type type) {
        if (type == Param.Type.STRINGS) {
            if (n instanceof ScalarNode) {
                return List.of(((ScalarNode) n).getValue());
            }
            if (n instanceof SequenceNode seq) {
                List<String> out = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    String s = scalar(item);
                    if (s == null) {
                        return null;
                    }
                    out.add(s);
                }
                return out;
            }
            return null;
        }
        String s = scalar(n);
        if (s == null) {
            return null;
        }
        try {
            return switch (type) {
                case INT -> Long.parseLong(s.replace("_", ""));
                case NUMBER -> {
                    double d = Double.parseDouble(s.replace("_", ""));
                    yield Double.isFinite(d) ? d : null;
                }
                case BYTES -> bytes(s);
                case STRING -> s;
                case BOOL -> s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null;
                case STRINGS -> null;
            };
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** {@code 1048576}, {@code 512MB}, {@code 1GiB}, {@code 64k}. */
    static Long bytes(String s) {
        Matcher m = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE).matcher(s.strip().replace("_", ""));
        if (!m.matches()) {
            return null;
        }
        if (m.group(1).length() > 15) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? null : n << shift;
    }

    private static List<String> templates(Errors e, Node n, String key, List<String> figures, boolean required) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            if (required) {
                e.add(0, key, "is required: what to show when the playbook fires");
            }
            return out;
        }
        List<Node> list = items(e, n, key);
        for (int i = 0; i < list.size(); i++) {
            String s = scalar(list.get(i));
            if (s == null) {
                e.add(line(list.get(i)), key + "[" + i + "]", "must be a string");
                continue;
            }
            checkFigures(e, list.get(i), key + "[" + i + "]", s, figures);
            out.add(s);
        }
        return out;
    }

    private static List<Playbook.Fix> fixes(Errors e, Node n, List<String> figures) {
        List<Playbook.Fix> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        List<Node> list = items(e, n, "fixes");
        for (int i = 0; i < list.size(); i++) {
            Node item = list.get(i);
            String key = "fixes[" + i + "]";
            if (item instanceof MappingNode m) {
                String text = null;
                String link = "";
                Playbook.AppliesTo applies = Playbook.AppliesTo.ANY;
                for (NodeTuple t : m.getValue()) {
                    String k = scalar(t.getKeyNode());
                    if ("applies_to".equals(k)) {
                        applies = appliesTo(e, t.getValueNode());
                    } else if ("text".equals(k)) {
                        text = scalar(t.getValueNode());
                    } else if ("link".equals(k)) {
                        link = scalar(t.getValueNode());
                        if (link == null || !(link.startsWith("https://") || link.startsWith("http://"))) {
                            e.add(line(t.getValueNode()), key + ".link", "must be an http(s) URL");
                            link = "";
                        }
                    } else {
                        e.add(line(t.getKeyNode()), key + "." + k, "unknown key (known: text, link, applies_to)");
                    }
                }
                if (text == null || text.isBlank()) {
                    e.add(line(item), key + ".text", "is required");
                    continue;
                }
                checkFigures(e, item, key, text, figures);
                out.add(new Playbook.Fix(text, link, applies));
            } else {
                String s = scalar(item);
                if (s == null || s.isBlank()) {
                    e.add(line(item), key, "must be a string or {text, link}");
                    continue;
                }
                checkFigures(e, item, key, s, figures);
                out.add(new Playbook.Fix(s, ""));
            }
        }
        return out;
    }

    private static Playbook.AppliesTo appliesTo(Errors e, Node n) {
        if (n == null) {
            return Playbook.AppliesTo.ANY;
        }
        if (!(n instanceof MappingNode m)) {
            e.add(line(n), "applies_to", "must be a mapping: {jdk_min: 11, jdk_max: 21, gc: [G1, ZGC]}");
            return Playbook.AppliesTo.ANY;
        }
        int min = 0;
        int max = 0;
        Set<GarbageCollector> gcs = EnumSet.noneOf(GarbageCollector.class);
        for (NodeTuple t : m.getValue()) {
            String k = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (k == null ? "" : k) {
                case "jdk_min", "jdk_max" -> {
                    Object o = value(v, Param.Type.INT);
                    if (o == null || (Long) o < 5 || (Long) o > 99) {
                        e.add(line(v), "applies_to." + k, "must be a Java feature release, like 11 or 21");
                    } else if (k.equals("jdk_min")) {
                        min = ((Long) o).intValue();
                    } else {
                        max = ((Long) o).intValue();
                    }
                }
                case "gc" -> {
                    @SuppressWarnings("unchecked")
                    List<String> names = (List<String>) value(v, Param.Type.STRINGS);
                    if (names == null) {
                        e.add(line(v), "applies_to.gc", "must be a collector name or a list of them");
                    }
                    for (String g : names == null ? List.<String>of() : names) {
                        GarbageCollector gc = gcNamed(g);
                        if (gc == null) {
                            e.add(line(v), "applies_to.gc", "'" + g + "' is not a collector: G1, Parallel, Serial, ZGC,"
                                    + " Generational ZGC, Shenandoah, CMS, Epsilon");
                        } else {
                            gcs.add(gc);
                        }
                    }
                }
                default -> e.add(line(t.getKeyNode()), "applies_to." + k, "unknown key (known: jdk_min, jdk_max, gc)");
            }
        }
        if (min > 0 && max > 0 && min > max) {
            e.add(line(n), "applies_to", "jdk_min " + min + " is above jdk_max " + max);
        }
        return new Playbook.AppliesTo(min, max, gcs);
    }

    private static GarbageCollector gcNamed(String s) {
        for (GarbageCollector gc : GarbageCollector.values()) {
            if (gc.displayName().equalsIgnoreCase(s) || gc.name().equalsIgnoreCase(s)) {
                return gc;
            }
        }
        return null;
    }

    private static void checkFigures(Errors e, Node n, String key, String template, List<String> figures) {
        // every "{{" must open a whole {{figure}}: a half-written one would print as it is, braces and all
        String rest = FIGURE.matcher(template).replaceAll("");
        if (rest.contains("{{") || rest.contains("}}")) {
            e.add(line(n), key, "has a '{{' or '}}' that is not a whole {{figure}} (a figure name in double braces)");
            return;
        }
        if (figures == null) {
            return;
        }
        Matcher m = FIGURE.matcher(template);
        while (m.find()) {
            if (!figures.contains(m.group(1))) {
                e.add(line(n), key, "names the figure '" + m.group(1) + "', which no check of this playbook gives"
                        + (figures.isEmpty() ? "" : " (they give: " + String.join(", ", new LinkedHashSet<>(figures)) + ")"));
            }
        }
    }

    private static boolean bool(Errors e, Node n, String key) {
        Object v = value(n, Param.Type.BOOL);
        if (v == null) {
            e.add(line(n), key, "must be true or false");
            return false;
        }
        return (Boolean) v;
    }

    private static List<Node> items(Errors e, Node n, String key) {
        if (n instanceof SequenceNode seq) {
            return seq.getValue();
        }
        e.add(line(n), key, "must be a list");
        return List.of();
    }

    private static List<Playbook.Condition.Uses> uses(Playbook.Condition c) {
        return c instanceof Playbook.Condition.Uses u ? List.of(u) : ((Playbook.Condition.AnyOf) c).alternatives();
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
    }

    private static String text(Node n) {
        String s = scalar(n);
        return s != null ? s : n instanceof SequenceNode ? "a list" : n instanceof MappingNode ? "a mapping" : "nothing";
    }

    private static int line(Node n) {
        return n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String resource(String path) {
        try (InputStream in = PlaybookLoader.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The errors of one file. */
    private static final class Errors {
        final String file;
        final List<PlaybookError> list = new ArrayList<>();

        Errors(String file) {
            this.file = file;
        }

        void add(int line, String key, String reason) {
            list.add(new PlaybookError(file, line, key, reason));
        }
    }
}
