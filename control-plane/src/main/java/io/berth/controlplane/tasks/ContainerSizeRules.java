package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.taskdefinitions.TaskSize;

import java.util.List;

/**
 * RunTask's container overrides checked as registration checks the definition: each container's cpu, hard
 * memory limit and soft memory limit in range, and the containers' sums within the task size. Without this an
 * override could ask the agent for a container larger than its task, or for a negative limit.
 */
final class ContainerSizeRules
{
    /** Docker's, and so ECS's, smallest memory limit for a container. */
    static final int MINIMUM_CONTAINER_MEMORY_MIB = 6;

    private ContainerSizeRules() {}

    /** The override's own numbers, before they are merged into a container. */
    static void checkOverride(ContainerOverride override)
    {
        String name = override.name();
        if (override.cpu() != null && override.cpu() < 0) {
            throw InvalidRequestException.refused("Invalid 'cpu' in the override for container '" + name + "': " + override.cpu() + "; it must not be negative.");
        }
        if (override.memory() != null && override.memory() < MINIMUM_CONTAINER_MEMORY_MIB) {
            throw InvalidRequestException.refused("Invalid 'memory' in the override for container '" + name + "': " + override.memory()
                    + " MiB; the minimum is " + MINIMUM_CONTAINER_MEMORY_MIB + " MiB.");
        }
        if (override.memoryReservation() != null && override.memoryReservation() < MINIMUM_CONTAINER_MEMORY_MIB) {
            throw InvalidRequestException.refused("Invalid 'memoryReservation' in the override for container '" + name + "': " + override.memoryReservation()
                    + " MiB; the minimum is " + MINIMUM_CONTAINER_MEMORY_MIB + " MiB.");
        }
    }

    static void check(List<ContainerSpec> containers, TaskSize size)
    {
        long cpuSum = 0;
        long memorySum = 0;
        for (ContainerSpec container : containers) {
            String name = container.name();
            Integer cpu = container.cpu();
            Integer memory = container.memoryMiB();
            Integer reservation = container.linux().memoryReservationMiB();
            if (cpu != null && (cpu < 0 || cpu > size.cpu())) {
                throw InvalidRequestException.refused("Invalid 'cpu' for container '" + name + "': " + cpu + "; it must be from 0 to the task's " + size.cpu() + ".");
            }
            if (memory != null && (memory < MINIMUM_CONTAINER_MEMORY_MIB || memory > size.memory())) {
                throw InvalidRequestException.refused("Invalid 'memory' for container '" + name + "': " + memory + " MiB; it must be from "
                        + MINIMUM_CONTAINER_MEMORY_MIB + " MiB to the task's " + size.memory() + " MiB.");
            }
            if (reservation != null && (reservation < MINIMUM_CONTAINER_MEMORY_MIB || reservation > size.memory())) {
                throw InvalidRequestException.refused("Invalid 'memoryReservation' for container '" + name + "': " + reservation + " MiB; it must be from "
                        + MINIMUM_CONTAINER_MEMORY_MIB + " MiB to the task's " + size.memory() + " MiB.");
            }
            if (memory != null && reservation != null && reservation > memory) {
                throw InvalidRequestException.refused("Invalid setting for container '" + name + "': memoryReservation (" + reservation
                        + ") must be less than or equal to memory (" + memory + ").");
            }
            cpuSum += cpu == null ? 0 : cpu;
            memorySum += memory != null ? memory : reservation != null ? reservation : 0;
        }
        if (cpuSum > size.cpu()) {
            throw InvalidRequestException.refused("The containers' cpu adds up to " + cpuSum + ", more than the task's " + size.cpu() + ".");
        }
        if (memorySum > size.memory()) {
            throw InvalidRequestException.refused("The containers' memory adds up to " + memorySum + " MiB, more than the task's " + size.memory() + " MiB.");
        }
    }
}
