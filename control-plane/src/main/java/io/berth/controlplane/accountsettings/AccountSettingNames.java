package io.berth.controlplane.accountsettings;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECS's account setting names, the values each takes, and the value a principal has when nobody set one. Berth
 * honours what it can and refuses what it cannot: the long ARN formats are always on (ECS no longer lets them be
 * turned off), containerInsights is the default of new clusters, and IPv6 (dualStackIPv6), FIPS endpoints
 * (fargateFIPSMode) and GuardDuty (guardDutyActivate) cannot be turned on. The others are stored and echoed; they
 * concern parts Berth does not have (EC2 trunking, task retirement, Fargate event windows) and change nothing.
 */
public final class AccountSettingNames
{
    public static final String CONTAINER_INSIGHTS = "containerInsights";

    private record Rule(Set<String> values, String awsDefault, Set<String> refused) {}

    private static final Set<String> ON_OFF = Set.of("enabled", "disabled");
    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("serviceLongArnFormat", new Rule(ON_OFF, "enabled", Set.of("disabled"))),
            Map.entry("taskLongArnFormat", new Rule(ON_OFF, "enabled", Set.of("disabled"))),
            Map.entry("containerInstanceLongArnFormat", new Rule(ON_OFF, "enabled", Set.of("disabled"))),
            Map.entry("awsvpcTrunking", new Rule(ON_OFF, "disabled", Set.of())),
            Map.entry(CONTAINER_INSIGHTS, new Rule(Set.of("enabled", "disabled", "enhanced"), "disabled", Set.of())),
            Map.entry("dualStackIPv6", new Rule(ON_OFF, "disabled", Set.of("enabled"))),
            Map.entry("fargateFIPSMode", new Rule(ON_OFF, "disabled", Set.of("enabled"))),
            Map.entry("tagResourceAuthorization", new Rule(Set.of("on", "off"), "on", Set.of())),
            Map.entry("fargateTaskRetirementWaitPeriod", new Rule(Set.of("0", "7", "14"), "7", Set.of())),
            Map.entry("guardDutyActivate", new Rule(Set.of("on", "off"), "off", Set.of("on"))),
            Map.entry("defaultLogDriverMode", new Rule(Set.of("blocking", "non-blocking"), "blocking", Set.of())),
            Map.entry("fargateEventWindows", new Rule(ON_OFF, "disabled", Set.of())));

    private AccountSettingNames() {}

    public static List<String> names()
    {
        return RULES.keySet().stream().sorted().toList();
    }

    public static void checkName(String name)
    {
        if (name == null || !RULES.containsKey(name)) {
            throw InvalidRequestException.invalidValue("Invalid account setting name '" + name + "': use one of " + names() + ".");
        }
    }

    public static void check(String name, String value)
    {
        checkName(name);
        Rule rule = RULES.get(name);
        if (value == null || !rule.values().contains(value)) {
            throw InvalidRequestException.invalidValue("Invalid value '" + value + "' for account setting " + name + ": use one of " + rule.values().stream().sorted().toList() + ".");
        }
        if (rule.refused().contains(value)) {
            throw InvalidRequestException.refused("Account setting " + name + " " + value + " is not supported by Berth"
                    + (name.endsWith("LongArnFormat") ? ": ECS no longer lets the long ARN format be turned off." : ": Berth has no such capability."));
        }
    }

    /** The value a principal has when neither it nor the account's default sets one. */
    public static String awsDefault(String name)
    {
        return RULES.get(name).awsDefault();
    }
}
