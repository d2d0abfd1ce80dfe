package io.berth.agent.logs;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A task whose containers' lines go to CloudWatch Logs: its id, those containers, and whether more lines may come. */
public record ShippedTask(String taskId, List<String> containers, boolean running)
{
    public ShippedTask
    {
        requireNonNull(taskId, "taskId is null");
        containers = List.copyOf(containers);
    }
}
