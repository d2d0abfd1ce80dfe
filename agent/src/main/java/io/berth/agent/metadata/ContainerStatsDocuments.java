package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;

/**
 * A container's stats in the shape of Docker's ContainerStats (API v1.30), which the task metadata endpoint
 * serves: the reading now in cpu_stats and the previous one in precpu_stats, so that
 * (cpu delta / system delta) * online_cpus is the container's CPU share, as tools compute it. Without a
 * previous reading, precpu_stats is zero and preread is Docker's zero time, as in Docker's first frame.
 */
public final class ContainerStatsDocuments
{
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ContainerStatsDocuments() {}

    /**
     * @param previous the reading before this one, or null
     * @param memoryLimitBytes the container's memory limit: the task's memory
     */
    public static ObjectNode stats(String id, String name, StatsReading current, StatsReading previous, long memoryLimitBytes)
    {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("read", current.read().toString());
        node.put("preread", previous == null ? ZERO_TIME : previous.read().toString());
        node.putObject("pids_stats");
        node.put("num_procs", 0);
        cpu(node.putObject("cpu_stats"), current);
        if (previous == null) {
            ObjectNode precpu = node.putObject("precpu_stats");
            precpu.putObject("cpu_usage").put("total_usage", 0);
            precpu.put("system_cpu_usage", 0);
            precpu.put("online_cpus", current.host().onlineCpus());
        }
        else {
            cpu(node.putObject("precpu_stats"), previous);
        }
        ObjectNode memory = node.putObject("memory_stats");
        memory.put("usage", current.usage().memoryBytes());
        current.usage().peakMemoryBytes().ifPresent(peak -> memory.put("max_usage", peak));
        memory.put("limit", memoryLimitBytes);
        memory.putObject("stats");
        node.put("name", name);
        node.put("id", id);
        return node;
    }

    private static void cpu(ObjectNode node, StatsReading reading)
    {
        node.putObject("cpu_usage").put("total_usage", reading.usage().cpuNanos());
        node.put("system_cpu_usage", reading.host().systemCpuNanos());
        node.put("online_cpus", reading.host().onlineCpus());
    }
}
