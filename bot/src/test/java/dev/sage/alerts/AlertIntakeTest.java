package dev.sage.alerts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

public class AlertIntakeTest {
    /** Alertmanager's webhook payload, version 4, as its documentation shows it. */
    public static String payload(String status, String fingerprint, String receiver, Map<String, String> labels) {
        StringBuilder l = new StringBuilder();
        labels.forEach((k, v) -> l.append(l.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        return """
                {"version": "4", "groupKey": "{}:{alertname=\\"JvmMemoryHigh\\"}", "truncatedAlerts": 0,
                 "status": "%s", "receiver": "%s", "groupLabels": {"alertname": "JvmMemoryHigh"},
                 "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
                 "alerts": [{"status": "%s", "labels": {%s},
                   "annotations": {"summary": "payments at 80%% of its memory limit"},
                   "startsAt": "2026-12-07T04:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                   "generatorURL": "http://prometheus:9090/graph", "fingerprint": "%s"}]}
                """.formatted(status, receiver, status, l, fingerprint);
    }

    static final Map<String, String> POD = Map.of("alertname", "JvmMemoryHigh", "namespace", "prod",
            "pod", "payments-7d9f8-x2kq", "team", "payments");

    /** A clock the test moves. */
    static final class Moving extends Clock {
        Instant now = Instant.parse("2026-12-07T04:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private final List<String> said = new ArrayList<>();
    private final Moving clock = new Moving();
    private final AlertIntake intake = new AlertIntake("s3cret", List.of(
            new AlertIntake.Route("payments-oncall", Map.of(), "C0PAY"),
            new AlertIntake.Route("", Map.of("team", "search"), "C0SEARCH")), Duration.ofMinutes(30), new AlertIntake.Sink() {
                @Override
                public Optional<String> fired(String channel, AlertIntake.Alert a) {
                    said.add("fired " + channel + " " + a.labels().get("pod") + " " + a.summary());
                    return Optional.of("1700000000." + said.size());
                }

                @Override
                public void resolved(String channel, String thread, AlertIntake.Alert a) {
                    said.add("resolved " + channel + " " + thread);
                }
            }, clock);

    private int post(String token, String body) {
        return intake.handle(token == null ? null : "Bearer " + token, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFiringAlertNamingAPodIsDiagnosedOnceInItsRoutesChannelAndItsResolutionGoesToThatThread() {
        assertThat(post("s3cret", payload("firing", "c0ffee", "payments-oncall", POD))).isEqualTo(200);
        assertThat(said).containsExactly("fired C0PAY payments-7d9f8-x2kq payments at 80% of its memory limit");

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        post("s3cret", payload("firing", "c0ffee", "payments-oncall", POD));
        assertThat(said).as("Alertmanager repeats a firing alert: diagnosed once per 30 min").hasSize(1);

        post("s3cret", payload("resolved", "c0ffee", "payments-oncall", POD));
        assertThat(said).last().isEqualTo("resolved C0PAY 1700000000.1");

        clock.now = clock.now.plus(Duration.ofMinutes(1));
        post("s3cret", payload("firing", "c0ffee", "payments-oncall", POD));
        assertThat(said).as("firing again after it resolved is a new incident").hasSize(3);
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        post("s3cret", payload("firing", "c0ffee", "payments-oncall", POD));
        assertThat(said).as("still firing after the window: diagnosed again").hasSize(4);
    }

    @Test
    void routesByReceiverOrLabelsAndAlertsThatNameNoPodOrNoRouteAreLeftAlone() {
        post("s3cret", payload("firing", "f1", "search-oncall", Map.of("alertname", "X", "namespace", "search",
                "pod", "search-0", "team", "search")));
        assertThat(said).containsExactly("fired C0SEARCH search-0 payments at 80% of its memory limit");
        post("s3cret", payload("firing", "f2", "payments-oncall", Map.of("alertname", "NodeDown", "instance", "node-3")));
        post("s3cret", payload("firing", "f3", "nobody", POD));
        assertThat(said).hasSize(1);
    }

    @Test
    void withoutTheTokenOrWithSomethingElseThanAPayloadNothingHappens() {
        assertThat(post(null, payload("firing", "c0ffee", "payments-oncall", POD))).isEqualTo(401);
        assertThat(post("wrong", payload("firing", "c0ffee", "payments-oncall", POD))).isEqualTo(401);
        assertThat(intake.handle("s3cret", payload("firing", "c0ffee", "payments-oncall", POD).getBytes(StandardCharsets.UTF_8)))
                .as("the scheme is part of the header").isEqualTo(401);
        assertThat(post("s3cret", "{not json")).isEqualTo(400);
        assertThat(post("s3cret", "{\"version\": \"4\"}")).isEqualTo(400);
        assertThat(said).isEmpty();
    }
}
