package dev.sage.profile;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two profiles compared by shares: what grew, shrank, appeared and vanished. */
class ProfileDiffTest {
    private static Profile.Site site(String frame, long weight) {
        return new Profile.Site(frame, weight, 1, List.of());
    }

    private static Profile profile(long total, List<Profile.Site> allocations) {
        Flame none = new Flame("all", 0, List.of());
        return new Profile(Instant.EPOCH, Duration.ofSeconds(30), total, allocations, 0, List.of(), List.of(),
                new Profile.Gc(0, Duration.ZERO, Duration.ZERO, -1, -1), 0, List.of(), List.of(), none, none);
    }

    @Test
    void theFlushThatHeldTheMemoryIsGoneAfterTheFixAndTheRestGrewIntoItsShare() {
        // before: metrics.flushClients allocates 80 %; after the fix it is gone, the request path is most of it
        Profile before = profile(1000, List.of(site("app.Metrics.flushClients", 800), site("app.Orders.handle", 150),
                site("app.Json.write", 50)));
        Profile after = profile(4000, List.of(site("app.Orders.handle", 3000), site("app.Json.write", 996),
                site("app.Tiny.noise", 4)));
        ProfileDiff d = ProfileDiff.of(before, after);
        assertThat(d.allocations()).extracting(ProfileDiff.Change::frame)
                .containsExactly("app.Metrics.flushClients", "app.Orders.handle", "app.Json.write");
        ProfileDiff.Change gone = d.allocations().get(0);
        assertThat(gone.before()).isEqualTo(0.8);
        assertThat(gone.after()).isZero();
        assertThat(d.allocations().get(1).move()).as("15 % to 75 %").isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(d.allocations()).as("a tenth of a point is noise").noneMatch(c -> c.frame().equals("app.Tiny.noise"));
        assertThat(d.cpu()).isEmpty();
    }
}
