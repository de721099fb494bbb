package dev.sage.playbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading refuses what is wrong with the file, the line, the key and the reason, and never takes the others down. */
class PlaybookLoaderTest {
    private static final String GOOD = """
            id: acme-many-blocked
            title: "{{waiters}} threads wait"
            severity: warning
            when:
              - threads_waiting_on_same_lock: {min: 3}
            evidence:
              - "{{waiters}} wait for {{lock}}"
            fixes:
              - text: Shorten the critical section
                link: https://example.com/locks
            """;

    private static List<String> errors(String yaml) {
        return PlaybookLoader.parse("team/x.yaml", yaml).errors().stream().map(PlaybookError::toString).toList();
    }

    @Test
    void aGoodFileLoads() {
        PlaybookLoader.Result r = PlaybookLoader.parse("team/x.yaml", GOOD);
        assertThat(r.errors()).isEmpty();
        assertThat(r.playbook().id()).isEqualTo("acme-many-blocked");
        assertThat(r.playbook().fixes()).containsExactly(new Playbook.Fix("Shorten the critical section", "https://example.com/locks"));
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertThat(errors(GOOD + "colour: blue\n"))
                .containsExactly("team/x.yaml:11: colour: unknown key (known: applies_to, description, disabled, evidence,"
                        + " expr, fixes, id, requires, severity, title, when)");
    }

    @Test
    void anUnknownCheckListsTheKnownOnes() {
        assertThat(errors(GOOD.replace("threads_waiting_on_same_lock: {min: 3}", "threads_waiting: {min: 3}")))
                .singleElement().asString()
                .startsWith("team/x.yaml:5: when[0]: unknown check 'threads_waiting'; known: jvm_reports_deadlock,");
    }

    @Test
    void aParameterOfTheWrongTypeOrUnknown() {
        assertThat(errors(GOOD.replace("{min: 3}", "{min: many}")))
                .containsExactly("team/x.yaml:5: when[0].threads_waiting_on_same_lock.min: must be a whole number, not 'many'");
        assertThat(errors(GOOD.replace("{min: 3}", "{min: 3, max: 9}")))
                .containsExactly("team/x.yaml:5: when[0].threads_waiting_on_same_lock.max: unknown parameter; known: min,"
                        + " idle_holder_methods");
    }

    @Test
    void aTemplateNamingAFigureNoCheckGives() {
        assertThat(errors(GOOD.replace("{{lock}}", "{{lokc}}")))
                .singleElement().asString()
                .startsWith("team/x.yaml:7: evidence[0]: names the figure 'lokc', which no check of this playbook gives"
                        + " (they give: waiters, lock, holder,");
    }

    @Test
    void badSeverityIdAndMissingKeys() {
        assertThat(errors(GOOD.replace("severity: warning", "severity: urgent")))
                .containsExactly("team/x.yaml:3: severity: 'urgent' is not a severity: critical, warning or info");
        assertThat(errors(GOOD.replace("id: acme-many-blocked", "id: Acme Blocked")))
                .containsExactly("team/x.yaml:1: id: 'Acme Blocked' must be lower-case letters, digits and dashes,"
                        + " starting with a letter");
        assertThat(errors("id: x-y\nseverity: info\n")).contains("team/x.yaml: title: is required",
                "team/x.yaml: when: is required (or expr): the checks that must hold",
                "team/x.yaml: evidence: is required: what to show when the playbook fires");
    }

    @Test
    void brokenYamlSaysWhere() {
        assertThat(errors("id: x\ntitle: [unclosed\n")).singleElement().asString()
                .startsWith("team/x.yaml:3: not valid YAML:");
    }

    @Test
    void aBrokenFileIsRefusedAloneAndTeamFilesOverrideAndDisableBuiltins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a-good.yaml"), GOOD);
        Files.writeString(dir.resolve("b-broken.yaml"), GOOD.replace("severity: warning", "severity: 7").replace("acme-many-blocked", "acme-b"));
        Files.writeString(dir.resolve("c-override.yaml"), GOOD.replace("acme-many-blocked", "lock-contention"));
        Files.writeString(dir.resolve("d-off.yaml"), "id: nmt-disabled\ndisabled: true\n");
        Files.writeString(dir.resolve("e-dup.yaml"), GOOD);
        PlaybookLoader.Loaded loaded = PlaybookLoader.withTeamDirectories(List.of(dir));
        assertThat(loaded.errors()).extracting(PlaybookError::toString).containsExactly(
                dir.resolve("b-broken.yaml") + ":3: severity: '7' is not a severity: critical, warning or info",
                dir.resolve("e-dup.yaml") + ":1: id: 'acme-many-blocked' is already used by another file in " + dir);
        assertThat(loaded.playbooks()).extracting(Playbook::id)
                .contains("acme-many-blocked", "lock-contention", "deadlock").doesNotContain("nmt-disabled", "acme-b");
        assertThat(loaded.playbooks()).filteredOn(p -> p.id().equals("lock-contention"))
                .singleElement().extracting(Playbook::source).isEqualTo(dir.resolve("c-override.yaml").toString());
        assertThat(loaded.disabled()).containsExactly("nmt-disabled");
        assertThat(loaded.replaced()).as("what a report says of the team's changes").containsExactly(
                "nmt-disabled: disabled by a team file in " + dir,
                "lock-contention: the built-in is replaced by " + dir.resolve("c-override.yaml"));
    }

    @Test
    void aParameterGivenTwiceAndAHalfWrittenFigureAreRefused() {
        assertThat(errors(GOOD.replace("{min: 3}", "{min: 1, min: 500}")))
                .containsExactly("team/x.yaml:5: when[0].threads_waiting_on_same_lock.min: given twice");
        assertThat(errors(GOOD.replace("\"{{waiters}} wait for {{lock}}\"", "\"{{waiters} wait for {{lock}}\"")))
                .singleElement().asString().startsWith("team/x.yaml:7: evidence[0]: has a '{{' or '}}' that is not a whole");
    }

    @Test
    void celExpressionsAreCompiledAndTypeCheckedAtLoad() {
        String withExpr = """
                id: acme-pools
                title: many pool threads
                severity: info
                requires: [thread_dump]
                expr:
                  - "threads.filter(t, t.name.startsWith('pool-')).size() >= 100"
                evidence: ["per-call pools"]
                """;
        assertThat(PlaybookLoader.parse("team/x.yaml", withExpr).errors()).isEmpty();
        assertThat(errors(withExpr.replace(">= 100", ">= 'many'")))
                .singleElement().asString()
                .startsWith("team/x.yaml:6: expr[0]: CEL, column 54: found no matching overload for '_>=_' applied to '(int, string)'");
        assertThat(errors(withExpr.replace("threads.filter", "thredas.filter")))
                .singleElement().asString().contains("expr[0]: CEL, column 1: undeclared reference to 'thredas'");
        assertThat(errors(withExpr.replace(".size() >= 100", ".size()")))
                .singleElement().asString().contains("expected type 'bool' but found 'int'");
    }

    @Test
    void yamlIsReadAsDataOnly() {
        // a type tag that would construct an object in a careless loader is refused
        assertThat(errors("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]"))
                .singleElement().asString().contains("not valid YAML: Global tag is not allowed");
    }
}
