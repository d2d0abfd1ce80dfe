package io.berth.controlplane.network;

import io.berth.common.agentprotocol.HostLinkSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskAddressPlanTest
{
    @Test
    void defaultIsASlash24PerHostOfTheSlash16()
    {
        assertThat(TaskAddressPlan.DEFAULT.taskCidr().toString()).isEqualTo("10.213.0.0/16");
        assertThat(TaskAddressPlan.DEFAULT.hostPrefix()).isEqualTo(24);
        assertThat(TaskAddressPlan.DEFAULT.slices()).isEqualTo(256);
    }

    @Test
    void hostPrefixIsAtLeastTheCidrsAndAtMost28()
    {
        assertThatThrownBy(() -> TaskAddressPlan.of("10.213.0.0/16", 15))
                .hasMessageContaining("/15 must not be shorter than the task CIDR's /16 (10.213.0.0/16)");
        assertThatThrownBy(() -> TaskAddressPlan.of("10.213.0.0/16", 12)).hasMessageContaining("must not be shorter");
        assertThat(TaskAddressPlan.of("10.213.0.0/24", 24).slices()).as("one host holds it all").isEqualTo(1);
        assertThatThrownBy(() -> TaskAddressPlan.of("10.213.0.0/16", 29)).hasMessageContaining("at most /28");
        assertThat(TaskAddressPlan.of("10.213.0.0/16", 28).slices()).isEqualTo(4096);
        assertThatThrownBy(() -> TaskAddressPlan.of("10.213.0.0/33", 24)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linkIsVxlanWithASegmentDerivedFromTheCidr()
    {
        HostLinkSettings link = TaskAddressPlan.DEFAULT.link();
        assertThat(link.kind()).isEqualTo(HostLinkSettings.VXLAN);
        assertThat(link.port()).isEqualTo(4789);
        assertThat(link.segmentId()).isBetween(1, 0xFFFFFF);
        // stable across control planes and restarts, and independent of the host prefix
        assertThat(TaskAddressPlan.of("10.213.0.0/16", 26).link()).isEqualTo(link);
        // two Berths with different CIDRs on one machine get different segments
        assertThat(TaskAddressPlan.of("10.214.0.0/16", 24).link().segmentId()).isNotEqualTo(link.segmentId());
    }
}
