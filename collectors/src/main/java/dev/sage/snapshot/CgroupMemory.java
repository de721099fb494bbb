package dev.sage.snapshot;

import java.util.Map;

/**
 * The container's memory accounting (cgroup v1 or v2). Sizes are bytes.
 *
 * @param version 1 or 2
 * @param limitBytes the limit ({@code memory.max}, {@code memory.limit_in_bytes}), or -1 when unlimited or unknown
 * @param usageBytes current usage ({@code memory.current}, {@code memory.usage_in_bytes}), or -1
 * @param workingSetBytes usage less inactive file cache (what the kubelet compares with the limit), or -1
 * @param stat {@code memory.stat}, name to value
 */
public record CgroupMemory(int version, long limitBytes, long usageBytes, long workingSetBytes,
                           Map<String, Long> stat) {
    public CgroupMemory {
        stat = Map.copyOf(stat);
    }
}
