package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.VolumeMount;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task's volumes and each container's mountPoints and volumesFrom, checked as Fargate checks them and turned
 * into the mounts the agent makes. Berth has the volumes Fargate calls bind mounts: a volume with a name and no
 * host path is a directory of the task's own, in its ephemeral storage, shared by the containers that mount it
 * and removed with the task. Host paths, Docker volumes, EFS, FSx and EBS (configuredAtLaunch) are refused, each
 * by name. volumesFrom gives a container every mount of the source container (read-only when it says so, else
 * as the source has it); its own mountPoints win at the same path. The fields arrive as the JSON values the
 * request had (kept in otherFields so that DescribeTaskDefinition echoes them as given).
 */
public final class TaskVolumeRules
{
    private static final Set<String> VOLUME_FIELDS = Set.of("name", "host", "dockerVolumeConfiguration", "efsVolumeConfiguration",
            "fsxWindowsFileServerVolumeConfiguration", "configuredAtLaunch");
    private static final Set<String> MOUNT_POINT_FIELDS = Set.of("sourceVolume", "containerPath", "readOnly");
    private static final Set<String> VOLUMES_FROM_FIELDS = Set.of("sourceContainer", "readOnly");

    private TaskVolumeRules() {}

    /** Checks the definition's volumes and every container's mounts; what RegisterTaskDefinition refuses. */
    public static void check(Map<String, Object> taskFields, List<ContainerDefinition> containers)
    {
        mounts(taskFields, containers);
    }

    /** The mounts of each container by name, volumesFrom resolved; checks everything on the way. */
    public static Map<String, List<VolumeMount>> mounts(Map<String, Object> taskFields, List<ContainerDefinition> containers)
    {
        Set<String> volumes = volumeNames(taskFields.get("volumes"));
        Map<String, ContainerDefinition> byName = new LinkedHashMap<>();
        containers.forEach(container -> byName.put(container.name(), container));
        Map<String, List<VolumeMount>> own = new LinkedHashMap<>();
        for (ContainerDefinition container : containers) {
            own.put(container.name(), ownMounts(container, volumes));
            volumesFrom(container, byName.keySet());
        }
        Map<String, List<VolumeMount>> resolved = new LinkedHashMap<>();
        for (ContainerDefinition container : containers) {
            resolved.put(container.name(), resolve(container.name(), byName, own, new LinkedHashSet<>()));
        }
        return resolved;
    }

    private static Set<String> volumeNames(Object value)
    {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> entries)) {
            throw InvalidRequestException.invalidValue("'volumes' must be a list of objects such as {\"name\": \"data\"}.");
        }
        Set<String> names = new HashSet<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> volume)) {
                throw InvalidRequestException.invalidValue("Every entry of 'volumes' must be an object such as {\"name\": \"data\"}.");
            }
            Object name = volume.get("name");
            if (!(name instanceof String text) || !VolumeMount.VOLUME_NAME.matcher(text).matches()) {
                throw InvalidRequestException.refused("Invalid volume name '" + name + "': up to 255 letters (uppercase and lowercase), numbers, hyphens and underscores are allowed.");
            }
            for (Object key : volume.keySet()) {
                if (!VOLUME_FIELDS.contains(key)) {
                    throw InvalidRequestException.refused("Volume '" + text + "': unknown field '" + key + "'.");
                }
            }
            refuseVolumeKinds(text, volume);
            if (!names.add(text)) {
                throw InvalidRequestException.refused("Duplicate volume name '" + text + "': volume names must be unique within a task definition.");
            }
        }
        return names;
    }

    private static void refuseVolumeKinds(String name, Map<?, ?> volume)
    {
        Object host = volume.get("host");
        if (host != null) {
            if (!(host instanceof Map<?, ?> hostFields)) {
                throw InvalidRequestException.invalidValue("Volume '" + name + "': 'host' must be an object.");
            }
            for (Object key : hostFields.keySet()) {
                if (!"sourcePath".equals(key)) {
                    throw InvalidRequestException.refused("Volume '" + name + "': unknown field 'host." + key + "'.");
                }
            }
            if (hostFields.get("sourcePath") != null) {
                // ECS's words; Fargate has no host path to give
                throw InvalidRequestException.refused("Fargate compatible task definitions do not support sourcePath (volume '" + name
                        + "'): remove host.sourcePath to give the task a volume of its own in its ephemeral storage.");
            }
        }
        if (volume.get("dockerVolumeConfiguration") != null) {
            throw InvalidRequestException.refused("Fargate compatible task definitions do not support dockerVolumeConfiguration (volume '" + name
                    + "'): remove it to give the task a volume of its own in its ephemeral storage.");
        }
        if (volume.get("fsxWindowsFileServerVolumeConfiguration") != null) {
            throw InvalidRequestException.refused("Fargate compatible task definitions do not support fsxWindowsFileServerVolumeConfiguration for Linux tasks (volume '"
                    + name + "').");
        }
        if (volume.get("efsVolumeConfiguration") != null) {
            throw InvalidRequestException.refused("Volume '" + name + "': efsVolumeConfiguration is not supported by Berth (it has no Amazon EFS); "
                    + "remove it to give the task a volume of its own in its ephemeral storage.");
        }
        Object atLaunch = volume.get("configuredAtLaunch");
        if (atLaunch != null && !(atLaunch instanceof Boolean)) {
            throw InvalidRequestException.invalidValue("Volume '" + name + "': 'configuredAtLaunch' must be true or false.");
        }
        if (Boolean.TRUE.equals(atLaunch)) {
            throw InvalidRequestException.refused("Volume '" + name + "': configuredAtLaunch is not supported by Berth (it has no Amazon EBS volumes to attach at launch); "
                    + "remove it to give the task a volume of its own in its ephemeral storage.");
        }
    }

    private static List<VolumeMount> ownMounts(ContainerDefinition container, Set<String> volumes)
    {
        List<VolumeMount> mounts = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        for (Map<?, ?> entry : objects(container, "mountPoints", MOUNT_POINT_FIELDS)) {
            Object source = entry.get("sourceVolume");
            if (!(source instanceof String volume) || volume.isEmpty()) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': every mount point needs a 'sourceVolume'.");
            }
            if (!volumes.contains(volume)) {
                // ECS's message
                throw InvalidRequestException.refused("Unknown volume '" + volume + "'.");
            }
            Object path = entry.get("containerPath");
            if (!(path instanceof String containerPath) || containerPath.isEmpty()) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': the mount point of volume '" + volume + "' needs a 'containerPath'.");
            }
            if (!containerPath.startsWith("/")) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': invalid containerPath '" + containerPath
                        + "' for volume '" + volume + "': it must be an absolute path.");
            }
            String normalized = normalize(containerPath);
            if (normalized.equals("/")) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': volume '" + volume + "' cannot be mounted at '/'.");
            }
            if (!paths.add(normalized)) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': duplicate mount point containerPath '" + containerPath
                        + "': each mount point of a container needs its own path.");
            }
            mounts.add(new VolumeMount(volume, normalized, readOnly(entry, container.name(), "mountPoints")));
        }
        return mounts;
    }

    private static List<VolumesFrom> volumesFrom(ContainerDefinition container, Set<String> containerNames)
    {
        List<VolumesFrom> sources = new ArrayList<>();
        for (Map<?, ?> entry : objects(container, "volumesFrom", VOLUMES_FROM_FIELDS)) {
            Object source = entry.get("sourceContainer");
            if (!(source instanceof String sourceContainer) || sourceContainer.isEmpty()) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': every volumesFrom entry needs a 'sourceContainer'.");
            }
            if (!containerNames.contains(sourceContainer)) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': unknown container '" + sourceContainer
                        + "' in volumesFrom: name a container of this task definition.");
            }
            if (sourceContainer.equals(container.name())) {
                throw InvalidRequestException.refused("Container '" + container.name() + "': volumesFrom cannot name the container itself.");
            }
            sources.add(new VolumesFrom(sourceContainer, readOnly(entry, container.name(), "volumesFrom")));
        }
        return sources;
    }

    private static List<VolumeMount> resolve(String name, Map<String, ContainerDefinition> containers, Map<String, List<VolumeMount>> own, Set<String> visiting)
    {
        if (!visiting.add(name)) {
            throw InvalidRequestException.refused("Containers " + String.join(" -> ", visiting) + " -> " + name + " take volumes from each other in a cycle: "
                    + "remove one of these volumesFrom entries.");
        }
        Map<String, VolumeMount> byPath = new LinkedHashMap<>();
        for (VolumesFrom from : volumesFrom(containers.get(name), containers.keySet())) {
            for (VolumeMount mount : resolve(from.sourceContainer(), containers, own, visiting)) {
                byPath.put(mount.containerPath(), new VolumeMount(mount.volume(), mount.containerPath(), from.readOnly() || mount.readOnly()));
            }
        }
        // the container's own mount points win over those taken from another at the same path
        own.get(name).forEach(mount -> byPath.put(mount.containerPath(), mount));
        visiting.remove(name);
        return List.copyOf(byPath.values());
    }

    private static boolean readOnly(Map<?, ?> entry, String container, String field)
    {
        Object value = entry.get("readOnly");
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        throw InvalidRequestException.invalidValue("Container '" + container + "': 'readOnly' in '" + field + "' must be true or false.");
    }

    /** The container's list field as objects, each with only the known fields. */
    private static List<Map<?, ?>> objects(ContainerDefinition definition, String field, Set<String> known)
    {
        Object value = definition.otherFields().get(field);
        String container = definition.name();
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> entries)) {
            throw InvalidRequestException.invalidValue("Container '" + container + "': '" + field + "' must be a list of objects.");
        }
        List<Map<?, ?>> objects = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> object)) {
                throw InvalidRequestException.invalidValue("Container '" + container + "': every entry of '" + field + "' must be an object.");
            }
            for (Object key : object.keySet()) {
                if (!known.contains(key)) {
                    throw InvalidRequestException.refused("Container '" + container + "': unknown field '" + key + "' in '" + field + "': use "
                            + String.join(", ", known.stream().sorted().toList()) + ".");
                }
            }
            objects.add(object);
        }
        return objects;
    }

    /** The path without repeated or trailing slashes and without "." steps; ".." is refused (it could climb out). */
    private static String normalize(String path)
    {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw InvalidRequestException.refused("Invalid containerPath '" + path + "': '..' is not allowed in a mount point's path.");
            }
            parts.add(part);
        }
        return "/" + String.join("/", parts);
    }

    private record VolumesFrom(String sourceContainer, boolean readOnly) {}
}
