package dev.sage.service;

import dev.sage.collect.CollectionPlan;
import dev.sage.kube.PodCollector;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What to diagnose and how: the target, the options that pick the JVM, the collection plan, the opt-in ways down the
 * no-jcmd ladder, the team playbooks, and who asked. Immutable; build one with {@link #of(Target)} and the
 * {@code with} methods. The service checks that the options fit the target before contacting anything.
 *
 * @param namespace a pod's namespace; else the cluster context's
 * @param container a pod's container; else the one running a JVM
 * @param context the kubeconfig context; else the current one
 * @param compare {@code auto} (a healthy sibling) or a pod name to compare with; pods only
 * @param pid the JVM's pid on the host or in the container
 * @param mainClass pick the JVM whose main class or jar contains this
 * @param sudoUser over SSH, run the commands as this user
 * @param plan what to collect, how often, and each command's deadline
 * @param ladder the opt-in ways to collect when the pod's image has no jcmd
 * @param playbookDirs team playbook directories, loaded over the built-ins
 * @param requestedBy who asked, for messages and the record: a Slack user id, or the local user name
 */
public record DiagnoseRequest(Target target, Optional<String> namespace, Optional<String> container,
                              Optional<String> context, Optional<String> compare, Optional<Long> pid,
                              Optional<String> mainClass, Optional<String> sudoUser, CollectionPlan plan,
                              PodCollector.Options ladder, List<Path> playbookDirs, String requestedBy) {
    public DiagnoseRequest {
        playbookDirs = List.copyOf(playbookDirs);
    }

    /** The target with the default plan and nothing else set. */
    public static DiagnoseRequest of(Target target) {
        return new DiagnoseRequest(target, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), CollectionPlan.defaults(), PodCollector.Options.NONE,
                List.of(), System.getProperty("user.name", ""));
    }

    public DiagnoseRequest withTarget(Target t) {
        return new DiagnoseRequest(t, namespace, container, context, compare, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withNamespace(Optional<String> ns) {
        return new DiagnoseRequest(target, ns, container, context, compare, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withContainer(Optional<String> c) {
        return new DiagnoseRequest(target, namespace, c, context, compare, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withContext(Optional<String> ctx) {
        return new DiagnoseRequest(target, namespace, container, ctx, compare, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withCompare(Optional<String> with) {
        return new DiagnoseRequest(target, namespace, container, context, with, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withJvm(Optional<Long> p, Optional<String> main) {
        return new DiagnoseRequest(target, namespace, container, context, compare, p, main, sudoUser, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withSudoUser(Optional<String> user) {
        return new DiagnoseRequest(target, namespace, container, context, compare, pid, mainClass, user, plan, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withPlan(CollectionPlan p) {
        return new DiagnoseRequest(target, namespace, container, context, compare, pid, mainClass, sudoUser, p, ladder,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withLadder(PodCollector.Options l) {
        return new DiagnoseRequest(target, namespace, container, context, compare, pid, mainClass, sudoUser, plan, l,
                playbookDirs, requestedBy);
    }

    public DiagnoseRequest withPlaybookDirs(List<Path> dirs) {
        return new DiagnoseRequest(target, namespace, container, context, compare, pid, mainClass, sudoUser, plan, ladder,
                dirs, requestedBy);
    }

    public DiagnoseRequest withRequestedBy(String who) {
        return new DiagnoseRequest(target, namespace, container, context, compare, pid, mainClass, sudoUser, plan, ladder,
                playbookDirs, who);
    }
}
