package dev.sage.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightTest {
    @Test
    void requestsForTheSameThingJoinTheFirstUntilItLands() {
        InFlight<String, String> flights = new InFlight<>();
        InFlight.Joined<String> first = flights.join("local:42", "thread A");
        InFlight.Joined<String> second = flights.join("local:42", "thread B");
        InFlight.Joined<String> other = flights.join("local:43", "thread C");

        assertThat(first.first()).isTrue();
        assertThat(second.first()).isFalse();
        assertThat(other.first()).isTrue();
        assertThat(first.flight().subscribers()).as("the running work sees who joined").containsExactly("thread A", "thread B");
        assertThat(flights.land("local:42")).containsExactly("thread A", "thread B");
        assertThat(flights.join("local:42", "thread D").first()).as("after landing, the next request starts afresh").isTrue();
        assertThat(flights.size()).isEqualTo(2);
    }
}
