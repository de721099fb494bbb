package dev.sage.digest;

import dev.sage.service.DiagnoseRequest;

/**
 * One JVM a digest covers.
 *
 * @param service what it is reported under: a pod's owning workload, a host group, a JVM's main class
 * @param name the target as a person would name it: {@code pod/orders-7d9f8-x2kq -n prod}, {@code ssh://app1},
 *     {@code local:4242}
 * @param button what a "Diagnose" button under it asks for, in chat's words ({@code orders-7d9f8-x2kq})
 * @param request how the diagnosis service reaches it
 */
public record FleetTarget(String service, String name, String button, DiagnoseRequest request) {}
