package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECS's container healthCheck: read from the container definition (it arrives as the request's JSON values, kept in
 * otherFields), checked with ECS's limits (interval 5-300 s, default 30; timeout 2-60 s, default 5; retries 1-10,
 * default 3; startPeriod 0-300 s, default none) and turned into what the agent runs.
 */
public final class ContainerHealthCheckRules
{
    public static final int DEFAULT_INTERVAL = 30;
    public static final int DEFAULT_TIMEOUT = 5;
    public static final int DEFAULT_RETRIES = 3;

    private static final Set<String> FIELDS = Set.of("command", "interval", "timeout", "retries", "startPeriod");

    private ContainerHealthCheckRules() {}

    /** The container's health check with the defaults filled in; null when it has none. The messages name the field. */
    public static ContainerHealthCheck healthCheck(ContainerDefinition container)
    {
        Object value = container.otherFields().get("healthCheck");
        if (value == null) {
            return null;
        }
        String name = container.name();
        if (!(value instanceof Map<?, ?> fields)) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': 'healthCheck' must be an object {command, interval, timeout, retries, startPeriod}.");
        }
        for (Object key : fields.keySet()) {
            if (!FIELDS.contains(key)) {
                throw InvalidRequestException.refused("Container '" + name + "': unknown field 'healthCheck." + key
                        + "': use command, interval, timeout, retries and startPeriod.");
            }
        }
        List<String> command = command(fields.get("command"), name);
        int interval = seconds(fields.get("interval"), "interval", 5, 300, DEFAULT_INTERVAL, name);
        int timeout = seconds(fields.get("timeout"), "timeout", 2, 60, DEFAULT_TIMEOUT, name);
        int retries = seconds(fields.get("retries"), "retries", 1, 10, DEFAULT_RETRIES, name);
        int startPeriod = seconds(fields.get("startPeriod"), "startPeriod", 0, 300, 0, name);
        return new ContainerHealthCheck(command, interval, timeout, retries, startPeriod);
    }

    /**
     * The healthCheck as DescribeTaskDefinition shows it: as given, with interval, timeout and retries filled in when
     * they were left out (ECS does the same; startPeriod stays out when not given).
     */
    public static Map<String, Object> described(ContainerDefinition container)
    {
        ContainerHealthCheck check = healthCheck(container);
        if (check == null) {
            return null;
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("command", check.command());
        described.put("interval", check.intervalSeconds());
        described.put("timeout", check.timeoutSeconds());
        described.put("retries", check.retries());
        if (((Map<?, ?>) container.otherFields().get("healthCheck")).get("startPeriod") != null) {
            described.put("startPeriod", check.startPeriodSeconds());
        }
        return described;
    }

    private static List<String> command(Object value, String name)
    {
        if (value == null) {
            throw InvalidRequestException.refused("Container '" + name + "': 'healthCheck.command' is required, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"].");
        }
        if (!(value instanceof List<?> entries) || entries.stream().anyMatch(entry -> !(entry instanceof String))) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': 'healthCheck.command' must be a list of strings.");
        }
        List<String> command = new ArrayList<>();
        entries.forEach(entry -> command.add((String) entry));
        if (command.isEmpty() || !(command.getFirst().equals(ContainerHealthCheck.CMD) || command.getFirst().equals(ContainerHealthCheck.CMD_SHELL))) {
            throw InvalidRequestException.refused("Container '" + name + "': 'healthCheck.command' must start with CMD (run the rest directly) or CMD-SHELL "
                    + "(run it with the container's shell), e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]; got " + command + ".");
        }
        if (command.size() < 2 || command.subList(1, command.size()).stream().allMatch(String::isBlank)) {
            throw InvalidRequestException.refused("Container '" + name + "': 'healthCheck.command' needs what to run after " + command.getFirst() + ".");
        }
        return command;
    }

    private static int seconds(Object value, String field, int minimum, int maximum, int defaultValue, String name)
    {
        if (value == null) {
            return defaultValue;
        }
        Long number = ContainerLinuxRules.integer(value);
        String unit = field.equals("retries") ? "" : " seconds";
        if (number == null || number < minimum || number > maximum) {
            throw InvalidRequestException.refused("Container '" + name + "': 'healthCheck." + field + "' must be a whole number from " + minimum + " to "
                    + maximum + unit + ", got " + value + ".");
        }
        return number.intValue();
    }
}
