package dev.sage.digest;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * A fleet health digest as the configuration names it ({@code digests:} in {@code sage.yaml}).
 *
 * @param name how people and the schedule name it: {@code sage digest run NAME}, {@code @sage digest NAME}
 * @param cron a Quartz cron expression (seconds first: {@code 0 0 9 ? * MON-FRI})
 * @param zone the time zone the expression is read in
 * @param channel where it is posted (a channel id)
 * @param targets the JVMs it covers
 * @param histogram whether to take a class histogram of each target (a heap walk at a safepoint: off by default)
 * @param concurrency targets collected at once
 * @param perTarget how long one target may take, collection and judgement, before it is reported unreachable
 * @param deadline how long the whole digest may take: past it, what is in is posted and what is missing is named
 */
public record DigestSpec(String name, String cron, ZoneId zone, String channel, Targets targets, boolean histogram,
                         int concurrency, Duration perTarget, Duration deadline) {

    /**
     * @param local every JVM on the bot's own machine
     * @param hostGroups host groups from the host groups file, each host's JVM
     * @param kubernetes pods by label selector
     */
    public record Targets(boolean local, List<String> hostGroups, List<Pods> kubernetes) {
        public Targets {
            hostGroups = List.copyOf(hostGroups);
            kubernetes = List.copyOf(kubernetes);
        }
    }

    /**
     * The pods of one selector: reported grouped by the workload that owns them (Deployment, StatefulSet, …).
     *
     * @param context the kubeconfig context; empty: the default
     * @param namespaces where to look
     * @param selector a label selector ({@code app=orders}); empty: every pod
     */
    public record Pods(Optional<String> context, List<String> namespaces, String selector) {
        public Pods {
            namespaces = List.copyOf(namespaces);
        }
    }
}
