package io.berth.controlplane.scheduler;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The hosts a plan is made against, in host id order (which makes every tie-break deterministic). */
public record ClusterSnapshot(List<SnapshotHost> hosts)
{
    public ClusterSnapshot
    {
        hosts = hosts.stream().sorted(Comparator.comparing(SnapshotHost::hostId)).toList();
        Set<String> seen = new HashSet<>();
        for (SnapshotHost host : hosts) {
            if (!seen.add(host.hostId())) {
                throw new IllegalArgumentException("Host " + host.hostId() + " appears twice in the snapshot");
            }
        }
    }
}
