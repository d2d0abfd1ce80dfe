package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The task sizes Fargate offers: each cpu value allows a fixed set of memory values. Berth enforces the same
 * table so that definitions written for Fargate behave the same here, and so that hosts are packed by sizes
 * users already know.
 */
public final class FargateTaskSizes
{
    private static final Map<Integer, List<Integer>> MEMORY_BY_CPU = buildTable();

    private FargateTaskSizes() {}

    private static Map<Integer, List<Integer>> buildTable()
    {
        Map<Integer, List<Integer>> table = new LinkedHashMap<>();
        table.put(256, List.of(512, 1024, 2048));
        table.put(512, range(1024, 4096, 1024));
        table.put(1024, range(2048, 8192, 1024));
        table.put(2048, range(4096, 16384, 1024));
        table.put(4096, range(8192, 30720, 1024));
        table.put(8192, range(16384, 61440, 4096));
        table.put(16384, range(32768, 122880, 8192));
        return table;
    }

    private static List<Integer> range(int first, int last, int step)
    {
        List<Integer> values = new ArrayList<>();
        for (int value = first; value <= last; value += step) {
            values.add(value);
        }
        return List.copyOf(values);
    }

    public static List<Integer> validCpuValues()
    {
        return List.copyOf(MEMORY_BY_CPU.keySet());
    }

    /** The memory values (MiB) allowed with cpu; empty for a cpu value Fargate does not offer. */
    public static List<Integer> validMemoryValues(int cpu)
    {
        return MEMORY_BY_CPU.getOrDefault(cpu, List.of());
    }

    public static boolean isValid(TaskSize size)
    {
        return validMemoryValues(size.cpu()).contains(size.memory());
    }

    /** Throws InvalidParameterException naming the valid values when size is not in the table. */
    public static void check(TaskSize size)
    {
        if (!MEMORY_BY_CPU.containsKey(size.cpu())) {
            throw InvalidRequestException.invalidValue("Invalid cpu value " + size.cpu() + " for a Fargate task. Valid cpu values are "
                    + join(validCpuValues()) + " (1024 = 1 vCPU).");
        }
        if (!isValid(size)) {
            throw InvalidRequestException.invalidValue("Invalid memory value " + size.memory() + " MiB for a Fargate task with cpu " + size.cpu()
                    + ". Valid memory values for cpu " + size.cpu() + " are " + join(validMemoryValues(size.cpu())) + " (MiB).");
        }
    }

    /**
     * The task size when the definition gives cpu, memory, both or neither. A missing value becomes the
     * smallest one that fits the other and the containers' own cpu and memory; with neither, the smallest size
     * that holds the containers (256 cpu / 512 MiB for containers that state nothing). Real ECS refuses a
     * Fargate definition without a task size; Berth fills it in so that short definitions just run.
     */
    public static TaskSize derive(Integer cpu, Integer memory, long containersCpu, long containersMemory)
    {
        if (cpu != null && memory != null) {
            return new TaskSize(cpu, memory);
        }
        if (cpu != null) {
            List<Integer> memories = validMemoryValues(cpu);
            if (memories.isEmpty()) {
                return new TaskSize(cpu, SMALLEST_MEMORY_FALLBACK); // check() then reports the cpu value
            }
            return new TaskSize(cpu, memories.stream().filter(value -> value >= containersMemory).findFirst().orElse(memories.getLast()));
        }
        if (memory != null) {
            Optional<Integer> fitting = MEMORY_BY_CPU.entrySet().stream()
                    .filter(entry -> entry.getKey() >= containersCpu && entry.getValue().contains(memory))
                    .map(Map.Entry::getKey)
                    .findFirst();
            return fitting.map(value -> new TaskSize(value, memory)).orElseThrow(() -> InvalidRequestException.invalidValue(
                    "Invalid memory value " + memory + " MiB for a Fargate task: no cpu value allows it. Valid memory values are "
                            + MEMORY_BY_CPU.entrySet().stream()
                            .map(entry -> entry.getKey() + " cpu: " + join(entry.getValue()))
                            .collect(Collectors.joining("; ")) + "."));
        }
        for (Map.Entry<Integer, List<Integer>> entry : MEMORY_BY_CPU.entrySet()) {
            if (entry.getKey() < containersCpu) {
                continue;
            }
            for (int value : entry.getValue()) {
                if (value >= containersMemory) {
                    return new TaskSize(entry.getKey(), value);
                }
            }
        }
        return TaskSize.SMALLEST; // containers larger than any size: the container check then explains
    }

    private static final int SMALLEST_MEMORY_FALLBACK = 512;

    private static String join(List<Integer> values)
    {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
