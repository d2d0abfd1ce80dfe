package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.ContainerLimit;
import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.controlplane.resources.InvalidRequestException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The container fields that shape its sandbox, checked as Fargate checks them and turned into what the agent
 * applies: privileged and dockerSecurityOptions (refused), readonlyRootFilesystem, linuxParameters (capabilities: drop any, add only
 * SYS_PTRACE; initProcessEnabled; the Fargate-refused devices, tmpfs, sharedMemorySize, maxSwap and
 * swappiness), ulimits and stopTimeout. They arrive as the JSON values the request had (kept in otherFields
 * so that DescribeTaskDefinition echoes them as given), hence the type checks here.
 */
public final class ContainerLinuxRules
{
    /** The capability names ECS accepts (capabilities(7) without the CAP_ prefix). */
    public static final Set<String> CAPABILITIES = Set.of(
            "AUDIT_CONTROL", "AUDIT_WRITE", "BLOCK_SUSPEND", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
            "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
            "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT",
            "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME",
            "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM");
    /** The ulimit names ECS accepts. */
    public static final Set<String> ULIMIT_NAMES = Set.of(
            "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime",
            "sigpending", "stack");
    /** Fargate's ceiling for nofile, the kernel's default fs.nr_open. */
    public static final long MAX_OPEN_FILES = 1_048_576;
    /** Fargate's longest stopTimeout, in seconds. */
    public static final int MAX_STOP_TIMEOUT_SECONDS = 120;

    private static final Set<String> ULIMIT_FIELDS = Set.of("name", "softLimit", "hardLimit");
    private static final Set<String> LINUX_PARAMETERS = Set.of("capabilities", "initProcessEnabled", "devices", "tmpfs", "sharedMemorySize",
            "maxSwap", "swappiness");
    private static final Set<String> FARGATE_REFUSED_LINUX_PARAMETERS = Set.of("devices", "tmpfs", "sharedMemorySize", "maxSwap", "swappiness");

    private ContainerLinuxRules() {}

    /** Checks the container's sandbox fields and returns what the agent applies; the messages name the field. */
    public static ContainerLinuxOptions check(ContainerDefinition container)
    {
        Map<String, Object> fields = container.otherFields();
        String name = container.name();
        if (Boolean.TRUE.equals(bool(fields, "privileged", name))) {
            throw InvalidRequestException.refused("Container '" + name + "': privileged containers are not supported on Fargate; remove 'privileged' or set it to false.");
        }
        if (!isEmpty(fields.get("dockerSecurityOptions"))) {
            // seccomp, AppArmor or SELinux labels chosen per container would undo the sandbox Berth sets
            throw InvalidRequestException.refused("Container '" + name + "': 'dockerSecurityOptions' is not supported on Fargate.");
        }
        boolean readonly = Boolean.TRUE.equals(bool(fields, "readonlyRootFilesystem", name));
        stopTimeout(fields, name);

        Map<String, Object> linux = object(fields, "linuxParameters", name);
        boolean init = false;
        List<String> add = List.of();
        List<String> drop = List.of();
        if (linux != null) {
            for (String key : linux.keySet()) {
                if (!LINUX_PARAMETERS.contains(key)) {
                    throw InvalidRequestException.refused("Container '" + name + "': unknown field 'linuxParameters." + key + "'.");
                }
                if (FARGATE_REFUSED_LINUX_PARAMETERS.contains(key) && !isEmpty(linux.get(key))) {
                    throw InvalidRequestException.refused("Container '" + name + "': 'linuxParameters." + key + "' is not supported on Fargate.");
                }
            }
            init = Boolean.TRUE.equals(bool(linux, "initProcessEnabled", name));
            Map<String, Object> capabilities = object(linux, "capabilities", name);
            if (capabilities != null) {
                for (String key : capabilities.keySet()) {
                    if (!key.equals("add") && !key.equals("drop")) {
                        throw InvalidRequestException.refused("Container '" + name + "': unknown field 'linuxParameters.capabilities." + key + "': use add and drop.");
                    }
                }
                add = capabilities(capabilities, "add", name);
                drop = capabilities(capabilities, "drop", name);
                for (String capability : add) {
                    if (!capability.equals("SYS_PTRACE")) {
                        throw InvalidRequestException.refused("Container '" + name + "': the capability '" + capability
                                + "' in 'linuxParameters.capabilities.add' is not supported: Fargate allows adding only SYS_PTRACE.");
                    }
                }
            }
        }
        return new ContainerLinuxOptions(readonly, init, add, drop, ulimits(fields, name), null);
    }

    /** The task's pidMode and ipcMode, as Fargate allows them: pidMode task (shared by one container here), no ipcMode. */
    public static void checkTaskNamespaces(Map<String, Object> taskFields, int containerCount)
    {
        Object pidMode = taskFields.get("pidMode");
        if (pidMode != null) {
            if (pidMode.equals("host")) {
                throw InvalidRequestException.refused("pidMode 'host' is not supported on Fargate: only 'task' is.");
            }
            if (!pidMode.equals("task")) {
                throw InvalidRequestException.invalidValue("Invalid pidMode '" + pidMode + "': the valid values are host and task, and Fargate supports only task.");
            }
            if (containerCount > 1) {
                // with one container its own PID namespace is the task's; sharing one among several is not built yet
                throw InvalidRequestException.refused("pidMode 'task' with more than one container is not supported by Berth yet: "
                        + "each container has its own PID namespace. Remove pidMode.");
            }
        }
        Object ipcMode = taskFields.get("ipcMode");
        if (ipcMode != null) {
            if (!(ipcMode.equals("host") || ipcMode.equals("task") || ipcMode.equals("none"))) {
                throw InvalidRequestException.invalidValue("Invalid ipcMode '" + ipcMode + "': the valid values are host, task and none.");
            }
            throw InvalidRequestException.refused("ipcMode '" + ipcMode + "' is not supported on Fargate: remove ipcMode.");
        }
    }

    /** ECS's stopTimeout in seconds, 0 to 120 on Fargate; null when not given. */
    static Integer stopTimeout(Map<String, Object> fields, String name)
    {
        Object value = fields.get("stopTimeout");
        if (value == null) {
            return null;
        }
        Long seconds = integer(value);
        if (seconds == null || seconds < 0 || seconds > MAX_STOP_TIMEOUT_SECONDS) {
            throw InvalidRequestException.refused("Container '" + name + "': 'stopTimeout' must be a whole number of seconds from 0 to "
                    + MAX_STOP_TIMEOUT_SECONDS + ", got " + value + ".");
        }
        return seconds.intValue();
    }

    private static List<ContainerLimit> ulimits(Map<String, Object> fields, String name)
    {
        Object value = fields.get("ulimits");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> entries)) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': 'ulimits' must be a list of {name, softLimit, hardLimit}.");
        }
        List<ContainerLimit> limits = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> ulimit)) {
                throw InvalidRequestException.invalidValue("Container '" + name + "': every entry of 'ulimits' must be an object {name, softLimit, hardLimit}.");
            }
            for (Object key : ulimit.keySet()) {
                if (!ULIMIT_FIELDS.contains(key)) {
                    throw InvalidRequestException.refused("Container '" + name + "': unknown field '" + key + "' in 'ulimits': use name, softLimit and hardLimit.");
                }
            }
            Object limitName = ulimit.get("name");
            if (!(limitName instanceof String text) || !ULIMIT_NAMES.contains(text)) {
                throw InvalidRequestException.refused("Container '" + name + "': unknown ulimit name '" + limitName + "' in 'ulimits'. Valid names are "
                        + String.join(", ", ULIMIT_NAMES.stream().sorted().toList()) + ".");
            }
            if (!seen.add(text)) {
                throw InvalidRequestException.refused("Container '" + name + "': the ulimit '" + text + "' appears more than once in 'ulimits'.");
            }
            long soft = limit(ulimit.get("softLimit"), "softLimit", text, name);
            long hard = limit(ulimit.get("hardLimit"), "hardLimit", text, name);
            if (soft > hard) {
                throw InvalidRequestException.refused("Container '" + name + "': ulimit '" + text + "' has softLimit " + soft
                        + " greater than its hardLimit " + hard + ".");
            }
            if (text.equals("nofile") && hard > MAX_OPEN_FILES) {
                throw InvalidRequestException.refused("Container '" + name + "': ulimit 'nofile' hardLimit " + hard + " is above Fargate's maximum of "
                        + MAX_OPEN_FILES + ".");
            }
            limits.add(new ContainerLimit(text, soft, hard));
        }
        return limits;
    }

    private static long limit(Object value, String field, String limitName, String name)
    {
        Long number = integer(value);
        // ECS's model types the limits as 32-bit integers
        if (number == null || number < 0 || number > Integer.MAX_VALUE) {
            throw InvalidRequestException.refused("Container '" + name + "': ulimit '" + limitName + "' needs '" + field
                    + "' as a whole number from 0 to " + Integer.MAX_VALUE + ", got " + value + ".");
        }
        return number;
    }

    private static List<String> capabilities(Map<String, Object> capabilities, String field, String name)
    {
        Object value = capabilities.get(field);
        if (value == null) {
            return List.of();
        }
        String path = "linuxParameters.capabilities." + field;
        if (!(value instanceof List<?> entries)) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': '" + path + "' must be a list of capability names.");
        }
        List<String> names = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof String capability) || !(CAPABILITIES.contains(capability) || capability.equals("ALL"))) {
                throw InvalidRequestException.refused("Container '" + name + "': '" + entry + "' in '" + path
                        + "' is not a Linux capability ECS knows (such as CHOWN, NET_RAW, SYS_PTRACE or ALL; without the CAP_ prefix).");
            }
            names.add(capability);
        }
        return names;
    }

    private static Boolean bool(Map<String, Object> fields, String field, String name)
    {
        Object value = fields.get(field);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw InvalidRequestException.invalidValue("Container '" + name + "': '" + field + "' must be true or false.");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> fields, String field, String name)
    {
        Object value = fields.get(field);
        if (value == null || value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw InvalidRequestException.invalidValue("Container '" + name + "': '" + field + "' must be an object.");
    }

    private static boolean isEmpty(Object value)
    {
        return value == null || value instanceof List<?> list && list.isEmpty();
    }

    /** A JSON whole number as a long; null for anything else, and for numbers beyond a long. */
    static Long integer(Object value)
    {
        return switch (value) {
            case Integer number -> number.longValue();
            case Long number -> number;
            case Short number -> number.longValue();
            case BigInteger number -> number.bitLength() < 64 ? number.longValue() : null;
            default -> null;
        };
    }
}
