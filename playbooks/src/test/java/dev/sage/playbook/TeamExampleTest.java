package dev.sage.playbook;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example of playbooks/README.md: a team's directory with its own playbook, a disabled built-in and fixtures. */
class TeamExampleTest {
    static final Path EXAMPLE = Path.of("examples", "team-playbooks");

    @Test
    void theExampleLoadsOverTheBuiltinsAndItsFixturesPass() throws Exception {
        PlaybookLoader.Loaded loaded = PlaybookLoader.withTeamDirectories(List.of(EXAMPLE));
        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.disabled()).containsExactly("nmt-disabled");
        assertThat(loaded.playbooks()).extracting(Playbook::id).contains("acme-executor-per-request", "thread-leak")
                .doesNotContain("nmt-disabled");
        List<Fixtures.Case> cases = Fixtures.teamCases(EXAMPLE);
        assertThat(cases).extracting(Fixtures.Case::mustFire).containsExactlyInAnyOrder(true, false);
        for (Fixtures.Case c : cases) {
            Fixtures.Outcome o = Fixtures.run(loaded.playbooks(), c);
            assertThat(o.passed()).as(c.name() + " said " + o.said()).isTrue();
        }
        Fixtures.Outcome fired = Fixtures.run(loaded.playbooks(), cases.stream().filter(Fixtures.Case::mustFire).findFirst().orElseThrow());
        assertThat(fired.said().get(0)).matches("Executor built per request: \\d+ threads like pool-\\*-thread-1");
    }
}
