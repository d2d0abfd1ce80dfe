package io.berth.common.agentprotocol;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One container the agent must run, with the task definition and the RunTask overrides already merged.
 * Null entryPoint/command/workingDirectory/user mean "take it from the image config"; a null
 * stopTimeoutSeconds means the default (30 s, as ECS), the time between SIGTERM and SIGKILL. dependsOn
 * lists the containers that must reach a condition before this one starts. memoryMiB is the container's own
 * hard memory limit (null: only the task's); linux holds the sandbox settings (read-only rootfs, init,
 * capabilities, ulimits, soft memory limit), never null. healthCheck is the command the agent runs in the container
 * to tell its health (null: none, and from a control plane that does not send it). awslogs is where the container's
 * lines go in CloudWatch Logs (null: only to the host's log files, which `berth logs` reads for every container).
 * mountPoints are the task volumes this container mounts
 * (its own mountPoints and those it takes by volumesFrom), empty from a control plane that does not send them.
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> entryPoint,
        List<String> command,
        Map<String, String> environment,
        String workingDirectory,
        String user,
        boolean essential,
        Integer cpu,
        Integer memoryMiB,
        Integer stopTimeoutSeconds,
        List<ContainerDependency> dependsOn,
        ContainerLinuxOptions linux,
        ContainerHealthCheck healthCheck,
        AwsLogsDestination awslogs,
        List<VolumeMount> mountPoints)
{
    public ContainerSpec
    {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        entryPoint = entryPoint == null ? null : List.copyOf(entryPoint);
        command = command == null ? null : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        linux = linux == null ? ContainerLinuxOptions.DEFAULT : linux;
        mountPoints = mountPoints == null ? List.of() : List.copyOf(mountPoints);
    }

    /** A container that mounts task volumes, without a health check, whose lines stay on its host. */
    public ContainerSpec(String name, String image, List<String> entryPoint, List<String> command, Map<String, String> environment,
            String workingDirectory, String user, boolean essential, Integer cpu, Integer memoryMiB, Integer stopTimeoutSeconds,
            List<ContainerDependency> dependsOn, ContainerLinuxOptions linux, List<VolumeMount> mountPoints)
    {
        this(name, image, entryPoint, command, environment, workingDirectory, user, essential, cpu, memoryMiB, stopTimeoutSeconds, dependsOn, linux,
                null, null, mountPoints);
    }

    /** A container without a health check whose lines stay on its host. */
    public ContainerSpec(
            String name,
            String image,
            List<String> entryPoint,
            List<String> command,
            Map<String, String> environment,
            String workingDirectory,
            String user,
            boolean essential,
            Integer cpu,
            Integer memoryMiB,
            Integer stopTimeoutSeconds,
            List<ContainerDependency> dependsOn,
            ContainerLinuxOptions linux)
    {
        this(name, image, entryPoint, command, environment, workingDirectory, user, essential, cpu, memoryMiB, stopTimeoutSeconds, dependsOn, linux, null, null, List.of());
    }

    /** A container without an awslogs destination. */
    public ContainerSpec(
            String name,
            String image,
            List<String> entryPoint,
            List<String> command,
            Map<String, String> environment,
            String workingDirectory,
            String user,
            boolean essential,
            Integer cpu,
            Integer memoryMiB,
            Integer stopTimeoutSeconds,
            List<ContainerDependency> dependsOn,
            ContainerLinuxOptions linux,
            ContainerHealthCheck healthCheck)
    {
        this(name, image, entryPoint, command, environment, workingDirectory, user, essential, cpu, memoryMiB, stopTimeoutSeconds, dependsOn, linux, healthCheck, null, List.of());
    }

    /** The same container, its lines shipped to awslogs (null: kept on the host only). */
    public ContainerSpec withAwslogs(AwsLogsDestination destination)
    {
        return new ContainerSpec(name, image, entryPoint, command, environment, workingDirectory, user, essential, cpu, memoryMiB, stopTimeoutSeconds, dependsOn,
                linux, healthCheck, destination, mountPoints);
    }

    /** A container that depends on no other, with the default Linux settings. */
    public ContainerSpec(
            String name,
            String image,
            List<String> entryPoint,
            List<String> command,
            Map<String, String> environment,
            String workingDirectory,
            String user,
            boolean essential,
            Integer cpu,
            Integer memoryMiB,
            Integer stopTimeoutSeconds)
    {
        this(name, image, entryPoint, command, environment, workingDirectory, user, essential, cpu, memoryMiB, stopTimeoutSeconds, List.of(),
                ContainerLinuxOptions.DEFAULT, null, null, List.of());
    }
}
