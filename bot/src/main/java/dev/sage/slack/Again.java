package dev.sage.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a button does again: the target as the person named it, carried in the button's value (at most 2,000
 * characters; every part is a checked name, far shorter). A click is a new request, checked like a typed one.
 */
record Again(String target, Optional<String> namespace, Optional<String> container, Optional<String> context,
             Optional<Long> pid, Optional<String> mainClass) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Again of(Conversation.Diagnose d) {
        return new Again(d.target(), d.namespace(), d.container(), d.context(), d.pid(), d.mainClass());
    }

    /** The namespace the request was made in, so that a click acts on the same pods even if the default changes. */
    Again in(Optional<String> ns) {
        return new Again(target, ns.isPresent() ? ns : namespace, container, context, pid, mainClass);
    }

    /**
     * Pinned to the JVM that was diagnosed, so that an action hits that JVM even if the target holds several: the pid
     * as the target's commands see it. A target that names its pid ({@code local:PID}) keeps it.
     */
    Again withPid(long diagnosed) {
        return pid.isPresent() || target.matches("local:\\d+") || diagnosed <= 0 ? this
                : new Again(target, namespace, container, context, Optional.of(diagnosed), mainClass);
    }

    Again withTarget(String pod) {
        return new Again(pod, namespace, container, context, pid, mainClass);
    }

    /** Whether the target is a pod (siblings to compare with exist only for pods). */
    boolean isPod() {
        return !(target.startsWith("local") || target.startsWith("ssh://") || target.startsWith("hosts/"));
    }

    Conversation.Diagnose diagnose() {
        return new Conversation.Diagnose(target, namespace, container, context, pid, mainClass, Optional.empty(),
                Optional.empty());
    }

    String encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("t", target);
        namespace.ifPresent(v -> m.put("n", v));
        container.ifPresent(v -> m.put("c", v));
        context.ifPresent(v -> m.put("x", v));
        pid.ifPresent(v -> m.put("p", Long.toString(v)));
        mainClass.ifPresent(v -> m.put("m", v));
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The target a button carries; empty when the value is not one Sage wrote. */
    static Optional<Again> decode(String value) {
        try {
            JsonNode n = JSON.readTree(value == null ? "" : value);
            if (n == null || !n.hasNonNull("t")) {
                return Optional.empty();
            }
            Optional<Long> pid = text(n, "p").filter(p -> p.matches("[1-9]\\d{0,9}")).map(Long::parseLong);
            return Optional.of(new Again(n.get("t").asText(), text(n, "n"), text(n, "c"), text(n, "x"), pid, text(n, "m")));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode n, String key) {
        return n.hasNonNull(key) ? Optional.of(n.get(key).asText()) : Optional.empty();
    }
}
