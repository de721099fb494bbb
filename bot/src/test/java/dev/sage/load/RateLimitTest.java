package dev.sage.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aKeyMayAskTheLimitWithinTheWindowAndIsToldWhenItMayAskAgain() {
        RateLimit limit = new RateLimit(3, Duration.ofMinutes(1));
        long t = 1_000 * SECOND;
        assertThat(limit.take("U1", t)).isEmpty();
        assertThat(limit.take("U1", t + 10 * SECOND)).isEmpty();
        assertThat(limit.take("U1", t + 20 * SECOND)).isEmpty();
        assertThat(limit.take("U1", t + 30 * SECOND)).as("the oldest leaves the window 30 s later")
                .contains(Duration.ofSeconds(30));
        assertThat(limit.take("U2", t + 30 * SECOND)).as("another key has its own count").isEmpty();
        assertThat(limit.take("U1", t + 60 * SECOND)).as("a refused request is not counted").isEmpty();
        assertThat(limit.take("U1", t + 61 * SECOND)).contains(Duration.ofSeconds(9));
    }

    @Test
    void aRequestGivenBackDoesNotCountAndZeroMeansNoLimit() {
        RateLimit limit = new RateLimit(1, Duration.ofMinutes(1));
        assertThat(limit.take("C1", 0)).isEmpty();
        limit.giveBack("C1");
        assertThat(limit.take("C1", SECOND)).isEmpty();
        assertThat(limit.take("C1", 2 * SECOND)).isPresent();

        RateLimit off = new RateLimit(0, Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            assertThat(off.take("C1", i)).isEmpty();
        }
    }
}
