package dev.sage.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alertmanager's webhook ({@code POST /alerts}, payload version 4): each firing alert whose labels name a pod
 * ({@code namespace}, {@code pod}, optionally {@code container}) is diagnosed in the channel its route names, once per
 * {@code repeatAfter}; a resolved one is acknowledged in the thread of its diagnosis. Requests must carry the
 * configured bearer token. Thread-safe.
 */
public final class AlertIntake {
    private static final Logger LOG = LoggerFactory.getLogger(AlertIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alerts remembered, to join a repeat and a resolution to the first diagnosis; the oldest are forgotten. */
    private static final int REMEMBERED = 10_000;

    /** One alert of a payload. */
    public record Alert(String status, String fingerprint, Map<String, String> labels, Map<String, String> annotations) {
        public String name() {
            return labels.getOrDefault("alertname", "alert");
        }

        /** The annotation people write for this: {@code summary}, else {@code description}, else empty. */
        public String summary() {
            return annotations.getOrDefault("summary", annotations.getOrDefault("description", ""));
        }
    }

    /** Where an alert goes. */
    public record Route(String receiver, Map<String, String> labels, String channel) {
        public Route {
            labels = Map.copyOf(labels);
        }

        boolean takes(String payloadReceiver, Alert a) {
            return (receiver.isEmpty() || receiver.equals(payloadReceiver))
                    && labels.entrySet().stream().allMatch(e -> e.getValue().equals(a.labels().get(e.getKey())));
        }
    }

    /** What the bot does with an alert; both return quickly (the diagnosis itself runs elsewhere). */
    public interface Sink {
        /** Starts diagnosing the alert's pod in {@code channel}; the ts of the thread it started, or empty when it could not post. */
        Optional<String> fired(String channel, Alert alert);

        /** Says in the diagnosis thread that the alert resolved. */
        void resolved(String channel, String thread, Alert alert);
    }

    private record Seen(Instant at, String channel, String thread) {}

    private final byte[] token;
    private final List<Route> routes;
    private final Duration repeatAfter;
    private final Sink sink;
    private final Clock clock;
    private final Map<String, Seen> seen = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REMEMBERED;
        }
    });

    public AlertIntake(String token, List<Route> routes, Duration repeatAfter, Sink sink, Clock clock) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.routes = List.copyOf(routes);
        this.repeatAfter = repeatAfter;
        this.sink = sink;
        this.clock = clock;
    }

    /** The HTTP status for one webhook request: 401 without the token, 400 for a body that is not a payload. */
    public int handle(String authorization, byte[] body) {
        if (authorization == null || !MessageDigest.isEqual(token, authorization.getBytes(StandardCharsets.UTF_8))) {
            return 401;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return 400;
        }
        if (root == null || !root.path("alerts").isArray()) {
            return 400;
        }
        String receiver = root.path("receiver").asText("");
        for (JsonNode node : root.path("alerts")) {
            Alert a = new Alert(node.path("status").asText(""), node.path("fingerprint").asText(""),
                    strings(node.path("labels")), strings(node.path("annotations")));
            Optional<Route> route = routes.stream().filter(r -> r.takes(receiver, a)).findFirst();
            if (route.isEmpty()) {
                LOG.info("alert {} (receiver {}) matches no alerts.routes entry: not diagnosed", a.name(), receiver);
                continue;
            }
            String key = a.fingerprint().isEmpty() ? new java.util.TreeMap<>(a.labels()).toString() : a.fingerprint();
            // one decision at a time: a repeat delivered at once by two Alertmanager replicas is diagnosed once
            synchronized (seen) {
                Seen before = seen.get(key);
                if (a.status().equals("resolved")) {
                    if (before != null) {
                        sink.resolved(before.channel(), before.thread(), a);
                        seen.remove(key);
                    }
                    continue;
                }
                if (!a.labels().containsKey("namespace") || !a.labels().containsKey("pod")) {
                    LOG.info("alert {} names no pod (labels namespace and pod): not diagnosed", a.name());
                    continue;
                }
                Instant now = clock.instant();
                if (before != null && before.at().plus(repeatAfter).isAfter(now)) {
                    continue; // diagnosed a moment ago: the thread already has the answer
                }
                String channel = route.get().channel();
                sink.fired(channel, a).ifPresent(thread -> seen.put(key, new Seen(now, channel, thread)));
            }
        }
        return 200;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText("")));
        return out;
    }
}
