package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECS's cluster settings: one, containerInsights, with enabled, disabled or enhanced. Berth stores and echoes it; it
 * collects no CloudWatch metrics for it (the task stats are Berth's own, in the metadata endpoint and the bill).
 */
public final class ClusterSettings
{
    public static final String CONTAINER_INSIGHTS = "containerInsights";
    private static final Set<String> VALUES = Set.of("enabled", "disabled", "enhanced");

    private ClusterSettings() {}

    public static void check(List<ClusterConfiguration.Setting> settings)
    {
        for (ClusterConfiguration.Setting setting : settings) {
            if (!setting.name().equals(CONTAINER_INSIGHTS)) {
                throw InvalidRequestException.invalidValue("Invalid cluster setting name '" + setting.name() + "': the only setting is " + CONTAINER_INSIGHTS + ".");
            }
            if (!VALUES.contains(setting.value())) {
                throw InvalidRequestException.invalidValue("Invalid value '" + setting.value() + "' for cluster setting " + CONTAINER_INSIGHTS
                        + ": use enabled, disabled or enhanced.");
            }
        }
    }

    /** current with each setting of changes put in its place (or added). */
    static List<ClusterConfiguration.Setting> merge(List<ClusterConfiguration.Setting> current, List<ClusterConfiguration.Setting> changes)
    {
        Map<String, ClusterConfiguration.Setting> byName = new LinkedHashMap<>();
        current.forEach(setting -> byName.put(setting.name(), setting));
        changes.forEach(setting -> byName.put(setting.name(), setting));
        return List.copyOf(byName.values());
    }
}
