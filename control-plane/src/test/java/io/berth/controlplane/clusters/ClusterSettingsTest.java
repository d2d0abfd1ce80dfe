package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest
{
    @Test
    void containerInsightsTakesEcsValuesOnly()
    {
        ClusterSettings.check(List.of(new ClusterConfiguration.Setting("containerInsights", "enhanced")));
        assertThatThrownBy(() -> ClusterSettings.check(List.of(new ClusterConfiguration.Setting("containerInsights", "on"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("enabled, disabled or enhanced");
        assertThatThrownBy(() -> ClusterSettings.check(List.of(new ClusterConfiguration.Setting("serviceConnect", "enabled"))))
                .hasMessageContaining("the only setting is containerInsights");
    }

    @Test
    void anUpdateReplacesTheSettingOfThatName()
    {
        List<ClusterConfiguration.Setting> merged = ClusterSettings.merge(
                List.of(new ClusterConfiguration.Setting("containerInsights", "enabled")),
                List.of(new ClusterConfiguration.Setting("containerInsights", "disabled")));
        assertThat(merged).containsExactly(new ClusterConfiguration.Setting("containerInsights", "disabled"));
    }
}
