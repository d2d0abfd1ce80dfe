package io.berth.controlplane.placement;

import io.berth.controlplane.tasks.Task;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a host's placed tasks take of it: cpu units, memory (MiB), and how many tasks of each group (""; none). */
record HostUse(int cpu, long memory, Map<String, Integer> groups)
{
    static final HostUse NONE = new HostUse(0, 0, Map.of());

    HostUse
    {
        groups = Map.copyOf(groups);
    }

    /** Each host's use by its placed tasks, by host id. */
    static Map<String, HostUse> of(List<Task> placedTasks)
    {
        Map<String, int[]> cpu = new HashMap<>();
        Map<String, long[]> memory = new HashMap<>();
        Map<String, Map<String, Integer>> groups = new HashMap<>();
        for (Task task : placedTasks) {
            String hostId = task.state().hostId();
            cpu.computeIfAbsent(hostId, ignored -> new int[1])[0] += task.cpu();
            memory.computeIfAbsent(hostId, ignored -> new long[1])[0] += task.memory();
            groups.computeIfAbsent(hostId, ignored -> new HashMap<>()).merge(group(task), 1, Integer::sum);
        }
        Map<String, HostUse> use = new HashMap<>();
        cpu.forEach((hostId, units) -> use.put(hostId, new HostUse(units[0], memory.get(hostId)[0], groups.get(hostId))));
        return use;
    }

    /** This use with task's added (sign 1) or taken away (sign -1). */
    HostUse with(Task task, int sign)
    {
        Map<String, Integer> counted = new HashMap<>(groups);
        counted.merge(group(task), sign, Integer::sum);
        counted.values().removeIf(count -> count <= 0);
        return new HostUse(cpu + sign * task.cpu(), memory + sign * (long) task.memory(), counted);
    }

    private static String group(Task task)
    {
        return task.group() == null ? "" : task.group();
    }
}
