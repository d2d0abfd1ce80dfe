package io.berth.controlplane.scheduler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementStrategyTest
{
    @Test
    void wireNames()
    {
        assertThat(PlacementStrategy.of("binpack", "memory")).isEqualTo(PlacementStrategy.binpack("memory"));
        assertThat(PlacementStrategy.of("spread", "host")).isEqualTo(PlacementStrategy.spread("instanceId"));
        assertThat(PlacementStrategy.of("spread", "attribute:ecs.availability-zone").attributeName()).isEqualTo("ecs.availability-zone");
        assertThat(PlacementStrategy.of("random", null)).isEqualTo(PlacementStrategy.random());
        assertThat(PlacementConstraint.of("distinctInstance", null).type()).isEqualTo(PlacementConstraint.Type.DISTINCT_INSTANCE);
        assertThat(PlacementConstraint.of("memberOf", "attribute:a == b").expression()).isEqualTo("attribute:a == b");
    }

    @Test
    void badInputSaysWhatToUse()
    {
        assertThatThrownBy(() -> PlacementStrategy.of("pack", "memory")).hasMessage("Unknown placementStrategy type 'pack': use binpack, spread or random.");
        assertThatThrownBy(() -> PlacementStrategy.of("binpack", "disk")).hasMessage("binpack needs field cpu or memory, got 'disk'.");
        assertThatThrownBy(() -> PlacementStrategy.of("spread", "zone")).hasMessage("spread field must be instanceId or attribute:NAME, got 'zone'.");
        assertThatThrownBy(() -> PlacementStrategy.of("spread", null)).hasMessageStartingWith("spread needs a field");
        assertThatThrownBy(() -> PlacementConstraint.of("sameHost", null)).hasMessage("Unknown placementConstraints type 'sameHost': use distinctInstance or memberOf.");
        assertThatThrownBy(() -> PlacementConstraint.of("distinctInstance", "attribute:a == b")).hasMessage("A distinctInstance constraint takes no expression; remove it.");
    }
}
