package io.berth.controlplane.network;

import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostSubnetAllocatorTest
{
    private static final TaskAddressPlan PLAN = TaskAddressPlan.of("10.213.0.0/16", 24);

    @Test
    void firstHostGetsTheFirstSlice()
    {
        assertThat(allocate(PLAN)).isEqualTo("10.213.0.0/24");
    }

    @Test
    void takesTheLowestFreeSlice()
    {
        assertThat(allocate(PLAN, "10.213.0.0/24", "10.213.1.0/24", "10.213.3.0/24")).isEqualTo("10.213.2.0/24");
        // a removed host's slice is handed out again
        assertThat(allocate(PLAN, "10.213.1.0/24")).isEqualTo("10.213.0.0/24");
    }

    @Test
    void exhaustedPlanNamesTheCidrAndPrefix()
    {
        TaskAddressPlan small = TaskAddressPlan.of("10.99.0.0/24", 26);
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(allocate(small, held.toArray(String[]::new)));
        }
        assertThat(held).containsExactly("10.99.0.0/26", "10.99.0.64/26", "10.99.0.128/26", "10.99.0.192/26");
        assertThatThrownBy(() -> allocate(small, held.toArray(String[]::new)))
                .isInstanceOf(AddressSpaceExhaustedException.class)
                .hasMessageContaining("all 4 slices /26 of the task CIDR 10.99.0.0/24 belong to hosts")
                .hasMessageContaining("berth host rm");
    }

    @Test
    void slicesOfAnEarlierPlanBlockOnlyWhatTheyCover()
    {
        // slices cut from another CIDR do not touch this one
        assertThat(allocate(PLAN, "10.50.0.0/24", "10.50.1.0/24")).isEqualTo("10.213.0.0/24");
        // a wider slice from a shorter host prefix blocks every slice inside it
        assertThat(allocate(PLAN, "10.213.0.0/22")).isEqualTo("10.213.4.0/24");
        // a narrower slice from a longer host prefix blocks the slice around it
        assertThat(allocate(PLAN, "10.213.0.64/26")).isEqualTo("10.213.1.0/24");
    }

    private static String allocate(TaskAddressPlan plan, String... held)
    {
        return HostSubnetAllocator.allocate(plan, List.of(held).stream().map(Ipv4Cidr::parse).toList()).toString();
    }
}
