package io.berth.controlplane.tasks;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RunTask's networkConfiguration as Fargate checks it: an awsvpc task must carry an awsvpcConfiguration with 1 to
 * 16 subnets, at most 5 security groups, and assignPublicIp ENABLED or DISABLED. Berth gives the task its own
 * address on its task network whatever the subnet ids are (there is no VPC); they are kept and echoed.
 */
public final class NetworkConfigurationRules
{
    static final String REQUIRED = "Network Configuration must be provided when networkMode 'awsvpc' is specified.";
    private static final int MAX_SUBNETS = 16;
    private static final int MAX_SECURITY_GROUPS = 5;
    private static final Set<String> KNOWN = Set.of("subnets", "securityGroups", "assignPublicIp");

    private NetworkConfigurationRules() {}

    public static void check(String networkMode, Map<String, Object> networkConfiguration)
    {
        if (!"awsvpc".equals(networkMode)) {
            return;
        }
        Object awsvpc = networkConfiguration.get("awsvpcConfiguration");
        if (awsvpc == null) {
            throw InvalidRequestException.invalidValue(REQUIRED);
        }
        if (!(awsvpc instanceof Map<?, ?> configuration)) {
            throw InvalidRequestException.invalidValue("networkConfiguration.awsvpcConfiguration must be an object.");
        }
        for (Object key : configuration.keySet()) {
            if (!KNOWN.contains(key)) {
                throw InvalidRequestException.refused("networkConfiguration.awsvpcConfiguration field '" + key + "' is not supported by Berth; leave it out.");
            }
        }
        List<?> subnets = list(configuration.get("subnets"), "subnets");
        if (subnets.isEmpty()) {
            throw InvalidRequestException.invalidValue("subnets can not be empty.");
        }
        if (subnets.size() > MAX_SUBNETS) {
            throw InvalidRequestException.invalidValue("At most " + MAX_SUBNETS + " subnets can be given, got " + subnets.size() + ".");
        }
        if (list(configuration.get("securityGroups"), "securityGroups").size() > MAX_SECURITY_GROUPS) {
            throw InvalidRequestException.invalidValue("At most " + MAX_SECURITY_GROUPS + " securityGroups can be given.");
        }
        Object assignPublicIp = configuration.get("assignPublicIp");
        if (assignPublicIp != null && !assignPublicIp.equals("ENABLED") && !assignPublicIp.equals("DISABLED")) {
            throw InvalidRequestException.invalidValue("assignPublicIp must be ENABLED or DISABLED, got '" + assignPublicIp + "'.");
        }
        for (Object key : networkConfiguration.keySet()) {
            if (!key.equals("awsvpcConfiguration")) {
                throw InvalidRequestException.refused("networkConfiguration field '" + key + "' is not supported by Berth; leave it out.");
            }
        }
    }

    private static List<?> list(Object value, String field)
    {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw InvalidRequestException.invalidValue("networkConfiguration.awsvpcConfiguration." + field + " must be a list of strings.");
        }
        return list;
    }
}
