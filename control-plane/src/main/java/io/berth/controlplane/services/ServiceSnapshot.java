package io.berth.controlplane.services;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the controller decides on for one service: the service as stored, its tasks (those its deployments track
 * and any not-stopped task of its group, so a task started just before a crash is adopted) and the time.
 */
public record ServiceSnapshot(Service service, List<ServiceTask> tasks, Instant now)
{
    public ServiceSnapshot
    {
        requireNonNull(service, "service is null");
        tasks = List.copyOf(tasks);
        requireNonNull(now, "now is null");
    }
}
