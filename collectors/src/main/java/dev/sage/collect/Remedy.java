package dev.sage.collect;

/**
 * Something the person who asked can do to get further, as data: each front end words it its own way (a flag on
 * the command line, a button or a phrase in chat). Lower layers attach remedies to failures and to what could not
 * be judged, and never name a flag themselves.
 */
public enum Remedy {
    /** Copy a jattach binary into the container's /tmp for the collection, and remove it after. */
    COPY_JATTACH,
    /** Add an ephemeral container from a JDK image that shares the JVM's processes (it cannot be removed). */
    DEBUG_CONTAINER,
    /** Take a thread dump only, by SIGQUIT, read back from the container's log. */
    SIGQUIT,
    /** Say which container of the pod runs the JVM. */
    NAME_CONTAINER,
    /** Say which namespace the pod is in. */
    NAME_NAMESPACE,
    /** Name a pod of the same service to compare with. */
    NAME_SIBLING,
    /** Collect two rounds or more, some seconds apart: growth and "stuck" judgements need a time series. */
    MORE_ROUNDS,
    /** Record the JVM with JDK Flight Recorder after collecting: who allocates, who starts threads. */
    PROFILE,
    /** Start the JVM with native memory tracking ({@code -XX:NativeMemoryTracking=summary}). */
    ENABLE_NMT
}
