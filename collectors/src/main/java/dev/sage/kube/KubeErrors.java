package dev.sage.kube;

import dev.sage.transport.CollectionException;
import dev.sage.transport.CollectionException.Kind;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;

/** Turns what the API server or the connection to it said into a message an SRE can act on. Pure. */
final class KubeErrors {
    static final String NO_SHELL_HINT = "For images without a shell, an ephemeral debug container from a JDK image"
            + " can share the pod's process namespace (kubectl debug --target=CONTAINER)";

    private KubeErrors() {
    }

    /** A failed exec: refused at the WebSocket upgrade, or the connection failed. */
    static CollectionException exec(Throwable error, String namespace, String pod, String container) {
        Throwable t = unwrap(error);
        WebSocketHandshakeException handshake = find(t, WebSocketHandshakeException.class);
        int code = handshake != null ? handshake.getResponse().code()
                : t instanceof KubernetesClientException k ? k.getCode() : -1;
        String where = "pod " + pod + " in namespace " + namespace;
        return switch (code) {
            case 401 -> new CollectionException(Kind.PERMISSION, unauthorised(), t);
            case 403 -> new CollectionException(Kind.PERMISSION, forbidden(List.of("get", "create"), "pods/exec", namespace), t);
            case 404 -> new CollectionException(Kind.TARGET_GONE, where + " no longer exists (deleted or replaced while"
                    + " Sage was collecting)", t);
            case 400 -> new CollectionException(Kind.TARGET_GONE, "the API server refused to exec in container " + container
                    + " of " + where + " (400): the container is not running (restarting, or not started yet)", t);
            case -1 -> connection(t);
            default -> new CollectionException(code >= 500 ? Kind.UNREACHABLE : Kind.UNSUPPORTED, "the API server answered "
                    + code + " to an exec in " + where + (code >= 500 ? " again after a retry: it is failing or overloaded;"
                    + " try again in a minute" : ""), t);
        };
    }

    /** A failed API call other than exec, e.g. reading or listing pods. */
    static CollectionException api(KubernetesClientException e, String verb, String resource, String namespace) {
        Throwable t = unwrap(e);
        int code = e.getCode();
        return switch (code) {
            case 401 -> new CollectionException(Kind.PERMISSION, unauthorised(), e);
            case 403 -> new CollectionException(Kind.PERMISSION, forbidden(List.of(verb), resource, namespace), e);
            case -1, 0 -> connection(t);
            default -> new CollectionException(code >= 500 ? Kind.UNREACHABLE : Kind.UNSUPPORTED, "the API server answered "
                    + code + " when Sage tried to " + verb + " " + resource + " in namespace " + namespace
                    + (code >= 500 ? ", again after a retry: it is failing or overloaded; try again in a minute"
                    : ": " + String.valueOf(e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage())), e);
        };
    }

    private static String unauthorised() {
        return "the API server did not accept Sage's credentials (401): the token or certificate in the kubeconfig"
                + " context or service account has expired or is wrong";
    }

    /** The refusal, the verb and resource missing, and a Role that grants exactly that. */
    static String forbidden(List<String> verbs, String resource, String namespace) {
        String group = resource.startsWith("replicasets") || resource.startsWith("statefulsets")
                || resource.startsWith("daemonsets") ? "apps" : "";
        return "Sage is not allowed to " + String.join(" and ", verbs) + " " + resource + " in namespace " + namespace
                + " (403 Forbidden)."
                + " A Role that grants it, to bind to Sage's service account with a RoleBinding"
                + " (deploy/kubernetes/sage.yaml has the full set):\n"
                + "apiVersion: rbac.authorization.k8s.io/v1\n"
                + "kind: Role\n"
                + "metadata:\n"
                + "  name: sage-" + resource.replace('/', '-') + "\n"
                + "  namespace: " + namespace + "\n"
                + "rules:\n"
                + "  - apiGroups: [\"" + group + "\"]\n"
                + "    resources: [\"" + resource + "\"]\n"
                + "    verbs: [" + String.join(", ", verbs.stream().map(v -> "\"" + v + "\"").toList()) + "]";
    }

    private static CollectionException connection(Throwable t) {
        if (find(t, UnknownHostException.class) != null) {
            return new CollectionException(Kind.UNREACHABLE, "the API server's host name does not resolve: "
                    + find(t, UnknownHostException.class).getMessage() + "; check the kubeconfig context", t);
        }
        if (find(t, ConnectException.class) != null) {
            return new CollectionException(Kind.UNREACHABLE, "cannot connect to the API server: "
                    + find(t, ConnectException.class).getMessage(), t);
        }
        if (find(t, java.io.InterruptedIOException.class) != null || find(t, java.util.concurrent.TimeoutException.class) != null) {
            return new CollectionException(Kind.TIMEOUT, "the API server did not answer in time", t);
        }
        if (find(t, IOException.class) != null) {
            return new CollectionException(Kind.UNREACHABLE, "the connection to the API server failed: "
                    + find(t, IOException.class).getMessage(), t);
        }
        return new CollectionException(Kind.UNREACHABLE, "the API server call failed: " + t.getMessage(), t);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
