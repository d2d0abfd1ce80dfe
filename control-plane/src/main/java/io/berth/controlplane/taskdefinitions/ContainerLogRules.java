package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A container's logConfiguration, checked as Fargate checks it: the awslogs driver with awslogs-group and
 * awslogs-stream-prefix (Fargate requires both), awslogs-region and awslogs-create-group. Every other driver and
 * option is refused by name rather than accepted and ignored. Without a logConfiguration the container's lines
 * stay on its host, readable with `berth logs` (as are the lines of awslogs containers).
 */
public final class ContainerLogRules
{
    public static final String AWSLOGS = "awslogs";
    public static final String GROUP = "awslogs-group";
    public static final String STREAM_PREFIX = "awslogs-stream-prefix";
    public static final String REGION = "awslogs-region";
    public static final String CREATE_GROUP = "awslogs-create-group";

    private static final Set<String> OPTIONS = Set.of(GROUP, STREAM_PREFIX, REGION, CREATE_GROUP);
    private static final Set<String> FIELDS = Set.of("logDriver", "options", "secretOptions");
    private static final Pattern GROUP_NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

    private ContainerLogRules() {}

    /** The container's awslogs options; null when it has no logConfiguration. */
    public static AwsLogsOptions check(ContainerDefinition container)
    {
        String name = container.name();
        Object value = container.otherFields().get("logConfiguration");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> configuration)) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': 'logConfiguration' must be an object.");
        }
        Set<String> unknown = new TreeSet<>();
        configuration.keySet().forEach(key -> {
            if (!FIELDS.contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        });
        if (!unknown.isEmpty()) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': logConfiguration does not take " + String.join(", ", unknown) + ".");
        }
        Object driver = configuration.get("logDriver");
        if (!AWSLOGS.equals(driver)) {
            throw InvalidRequestException.refused("Container '" + name + "': Berth supports the log driver awslogs only, not '" + driver
                    + "'; remove logConfiguration to keep the lines on the host (berth logs), or use awslogs.");
        }
        Object secretOptions = configuration.get("secretOptions");
        if (secretOptions instanceof java.util.Collection<?> list ? !list.isEmpty() : secretOptions != null) {
            throw InvalidRequestException.refused("Container '" + name + "': the awslogs driver takes no secretOptions.");
        }
        Object optionsValue = configuration.get("options");
        if (!(optionsValue instanceof Map<?, ?> options)) {
            throw InvalidRequestException.refused("Container '" + name + "': the awslogs log driver requires options " + GROUP + " and " + STREAM_PREFIX + ".");
        }
        Set<String> unsupported = new TreeSet<>();
        options.forEach((key, option) -> {
            if (!OPTIONS.contains(String.valueOf(key))) {
                unsupported.add(String.valueOf(key));
            }
            if (!(option instanceof String)) {
                throw InvalidRequestException.invalidValue("Container '" + name + "': the awslogs option " + key + " must be a string.");
            }
        });
        if (!unsupported.isEmpty()) {
            throw InvalidRequestException.refused("Container '" + name + "': Berth's awslogs driver does not support the option(s) " + String.join(", ", unsupported)
                    + "; it takes " + new TreeSet<>(OPTIONS) + ".");
        }
        String group = (String) options.get(GROUP);
        if (group == null || !GROUP_NAME.matcher(group).matches()) {
            throw InvalidRequestException.refused("Container '" + name + "': the awslogs log driver requires option " + GROUP
                    + ", a log group name of 1 to 512 letters, digits and . - _ / #" + (group == null ? "." : ", not '" + group + "'."));
        }
        String prefix = (String) options.get(STREAM_PREFIX);
        if (prefix == null || prefix.isEmpty() || prefix.contains(":") || prefix.contains("*")) {
            throw InvalidRequestException.refused("Container '" + name + "': on Fargate the awslogs log driver requires option " + STREAM_PREFIX
                    + ", a non-empty stream name prefix without ':' or '*'.");
        }
        String region = (String) options.get(REGION);
        if (region != null && !REGION_NAME.matcher(region).matches()) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': " + REGION + " '" + region + "' is not a region name such as us-east-1.");
        }
        String createGroup = (String) options.get(CREATE_GROUP);
        if (createGroup != null && !createGroup.equals("true") && !createGroup.equals("false")) {
            throw InvalidRequestException.invalidValue("Container '" + name + "': " + CREATE_GROUP + " must be \"true\" or \"false\", not '" + createGroup + "'.");
        }
        return new AwsLogsOptions(group, prefix, region, "true".equals(createGroup));
    }
}
