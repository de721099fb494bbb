package dev.sage.playbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A running bot's team playbooks: each file's last good version, and what a reload tells. */
class TeamCatalogueTest {
    private static final PlaybookLoader.Loaded BUILTINS = PlaybookLoader.builtins();

    private static String playbook(String id, String title, String severity) {
        return "id: " + id + "\ntitle: \"" + title + "\"\nseverity: " + severity + "\nwhen:\n  - jvm_reports_deadlock: {}\n"
                + "evidence: [\"{{cycle_count}} cycle(s)\"]\n";
    }

    private static String title(TeamCatalogue c, String id) {
        return c.current().playbooks().stream().filter(p -> p.id().equals(id)).map(Playbook::title).findFirst().orElse(null);
    }

    @Test
    void aRefusedEditKeepsTheFilesLastGoodVersionAndIsToldOnce(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.yaml");
        Files.writeString(a, playbook("acme-a", "one", "warning"));
        Files.createSymbolicLink(dir.resolve(".#a.yaml"), Path.of("root@host.1234")); // an editor's lock: not a playbook
        TeamCatalogue c = new TeamCatalogue(List.of(dir), BUILTINS);
        assertThat(c.refusals()).isEmpty();
        assertThat(title(c, "acme-a")).isEqualTo("one");
        assertThat(c.current().playbooks()).hasSize(BUILTINS.playbooks().size() + 1);
        assertThat(c.reload().isEmpty()).as("nothing changed").isTrue();

        Files.writeString(a, playbook("acme-a", "two", "warning"));
        assertThat(c.reload().changes()).containsExactly("changed acme-a (" + a + ")");
        assertThat(title(c, "acme-a")).isEqualTo("two");

        Files.writeString(a, playbook("acme-a", "three", "sometimes"));
        TeamCatalogue.Reload broken = c.reload();
        assertThat(broken.changes()).isEmpty();
        assertThat(broken.refused()).extracting(Object::toString)
                .containsExactly(a + ":3: severity: 'sometimes' is not a severity: critical, warning or info (its previous version stays in force)");
        assertThat(title(c, "acme-a")).isEqualTo("two");
        assertThat(c.reload().refused()).as("told once").isEmpty();
        assertThat(c.refusals()).hasSize(1);

        Path b = dir.resolve("b.yaml");
        Files.writeString(b, "id: acme-b\ntitle: [");
        assertThat(c.reload().refused()).singleElement().satisfies(r -> {
            assertThat(r.previousInForce()).isFalse();
            assertThat(r.error().file()).isEqualTo(b.toString());
        });

        Files.writeString(a, playbook("acme-a", "four", "warning"));
        Files.delete(b);
        TeamCatalogue.Reload fixed = c.reload();
        assertThat(fixed.changes()).containsExactly("changed acme-a (" + a + ")");
        assertThat(c.refusals()).isEmpty();
        assertThat(title(c, "acme-a")).isEqualTo("four");

        Files.delete(a);
        assertThat(c.reload().changes()).containsExactly("removed acme-a (" + a + ")");
        assertThat(title(c, "acme-a")).isNull();
    }

    @Test
    void aConfigMapUpdateSwapsItsDataLinkAndIsReadAsAnEdit(@TempDir Path cm) throws Exception {
        Files.createDirectories(cm.resolve("..v1"));
        Files.writeString(cm.resolve("..v1/x.yaml"), playbook("acme-x", "one", "info"));
        Files.createSymbolicLink(cm.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(cm.resolve("x.yaml"), Path.of("..data/x.yaml"));
        TeamCatalogue c = new TeamCatalogue(List.of(cm), BUILTINS);
        assertThat(title(c, "acme-x")).isEqualTo("one");

        Files.createDirectories(cm.resolve("..v2"));
        Files.writeString(cm.resolve("..v2/x.yaml"), playbook("acme-x", "two", "info"));
        Files.createSymbolicLink(cm.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(cm.resolve("..data_tmp"), cm.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(c.reload().changes()).containsExactly("changed acme-x (" + cm.resolve("x.yaml") + ")");
        assertThat(title(c, "acme-x")).isEqualTo("two");
    }

    @Test
    void aTeamFileOverABuiltInAndADuplicateIdAreSaid(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1.yaml"), playbook("deadlock", "ours", "critical"));
        Files.writeString(dir.resolve("2.yaml"), playbook("deadlock", "theirs", "critical"));
        TeamCatalogue c = new TeamCatalogue(List.of(dir), BUILTINS);
        assertThat(title(c, "deadlock")).isEqualTo("ours");
        assertThat(c.current().replaced()).containsExactly("deadlock: the built-in is replaced by " + dir.resolve("1.yaml"));
        assertThat(c.refusals()).extracting(Object::toString)
                .containsExactly(dir.resolve("2.yaml") + ":1: id: 'deadlock' is already used by another file in " + dir);
    }
}
