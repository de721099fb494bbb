/**
 * Kubernetes: finding the pod a person named, the container running its JVM and a healthy sibling, and running
 * commands in a container over the API server's exec WebSocket.
 */
package dev.sage.kube;
