package io.berth.agent.network;

import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPlan;

import java.util.List;
import java.util.Map;

/** Network plans for tests: one host whose slice is the whole (test-only) task CIDR, no peers. */
public final class TestPlans
{
    private TestPlans() {}

    public static NetworkPlan singleHost(String subnet)
    {
        return new NetworkPlan(subnet, subnet, new HostLinkSettings(HostLinkSettings.VXLAN, 1, HostLinkSettings.DEFAULT_VXLAN_PORT),
                List.of(), List.of(), Map.of(), List.of());
    }
}
