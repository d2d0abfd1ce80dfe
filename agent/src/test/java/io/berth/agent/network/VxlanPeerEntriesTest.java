package io.berth.agent.network;

import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VxlanPeerEntriesTest
{
    private static final NetworkPeer PEER_2 = new NetworkPeer("host-2", "10.242.0.2", "10.241.4.0/24");
    private static final NetworkPeer PEER_3 = new NetworkPeer("host-3", "10.242.0.3", "10.241.5.0/24");
    private static final VxlanPeerEntries.Current NOTHING = new VxlanPeerEntries.Current(Set.of(), Set.of(), Map.of());

    @Test
    void macDerivesFromTheSlice()
    {
        assertThat(VxlanPeerEntries.macAddress(Ipv4Cidr.parse("10.213.3.0/24"))).isEqualTo("02:62:0a:d5:03:00");
    }

    @Test
    void aNewPeerGetsForwardingNeighbourAndRoute()
    {
        assertThat(commands(NOTHING, List.of(PEER_2))).containsExactly(
                "bridge fdb replace 02:62:0a:f1:04:00 dev bnt0.vx dst 10.242.0.2 self permanent",
                "ip neigh replace 10.241.4.0 lladdr 02:62:0a:f1:04:00 dev bnt0.vx nud permanent",
                "ip route replace 10.241.4.0/24 via 10.241.4.0 dev bnt0.vx onlink");
    }

    @Test
    void aPeerThatLeftLosesEverythingAndAPeerInPlaceIsLeftAlone()
    {
        VxlanPeerEntries.Current current = new VxlanPeerEntries.Current(
                Set.of("10.241.4.0/24", "10.241.5.0/24"), Set.of("10.241.4.0", "10.241.5.0"),
                Map.of("02:62:0a:f1:04:00", "10.242.0.2", "02:62:0a:f1:05:00", "10.242.0.3"));

        assertThat(commands(current, List.of(PEER_3))).containsExactly(
                "ip route del 10.241.4.0/24 dev bnt0.vx",
                "ip neigh del 10.241.4.0 dev bnt0.vx",
                "bridge fdb del 02:62:0a:f1:04:00 dev bnt0.vx self");
    }

    @Test
    void aPeerThatMovedToAnotherUnderlayAddressOrLostAnEntryIsRepaired()
    {
        VxlanPeerEntries.Current current = new VxlanPeerEntries.Current(
                Set.of("10.241.5.0/24"), Set.of(), Map.of("02:62:0a:f1:05:00", "10.242.0.99"));

        assertThat(commands(current, List.of(PEER_3))).containsExactly(
                "bridge fdb replace 02:62:0a:f1:05:00 dev bnt0.vx dst 10.242.0.3 self permanent",
                "ip neigh replace 10.241.5.0 lladdr 02:62:0a:f1:05:00 dev bnt0.vx nud permanent");
    }

    @Test
    void kernelListingsAreParsed()
    {
        assertThat(VxlanPeerEntries.parseRoutes("10.241.4.0/24 via 10.241.4.0 onlink \n10.241.5.0/24 via 10.241.5.0 onlink\n"))
                .containsExactlyInAnyOrder("10.241.4.0/24", "10.241.5.0/24");
        assertThat(VxlanPeerEntries.parseNeighbours("10.241.4.0 lladdr 02:62:0a:f1:04:00 PERMANENT\n")).containsExactly("10.241.4.0");
        // the device's own entries (no dst) are not peers
        assertThat(VxlanPeerEntries.parseForwarding("""
                02:62:0a:f1:04:00 dst 10.242.0.2 self permanent
                33:33:00:00:00:01 self permanent
                """)).containsExactly(Map.entry("02:62:0a:f1:04:00", "10.242.0.2"));
    }

    @Test
    void deviceNameFitsTheKernelsLimit()
    {
        assertThat(VxlanHostLinks.deviceName("berth0")).isEqualTo("berth0.vx");
        assertThat(VxlanHostLinks.deviceName("btnet12345678")).hasSize(12).startsWith("vx").isEqualTo(VxlanHostLinks.deviceName("btnet12345678"));
        assertThat(VxlanHostLinks.deviceName("btnet12345679")).isNotEqualTo(VxlanHostLinks.deviceName("btnet12345678"));
    }

    private static List<String> commands(VxlanPeerEntries.Current current, List<NetworkPeer> peers)
    {
        return VxlanPeerEntries.commands("bnt0.vx", current, peers).stream()
                .map(command -> String.join(" ", command).replace("/usr/sbin/", ""))
                .toList();
    }
}
