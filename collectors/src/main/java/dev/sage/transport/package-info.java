/**
 * Transports: run a command on the machine or container where the JVM lives and bring back its output.
 * One small interface, {@link dev.sage.transport.Transport}, with a local implementation here; SSH and
 * Kubernetes exec plug in beside it.
 */
package dev.sage.transport;
