package io.berth.agent.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VXLAN link and the tenant firewall made with the real ip, bridge and nft, inside a network namespace of
 * the test's own (a veth pair stands in for the underlay; the peers are fake and get no traffic).
 */
class HostNetworkIntegrationTest
{
    private static final String BRIDGE = "bnt0";
    private static final Ipv4Cidr SLICE = Ipv4Cidr.parse("10.241.3.0/24");
    private static final HostLinkSettings LINK = new HostLinkSettings(HostLinkSettings.VXLAN, 4242, 4789);
    private static final NetworkPeer PEER_2 = new NetworkPeer("host-2", "10.242.0.2", "10.241.4.0/24");
    private static final NetworkPeer PEER_3 = new NetworkPeer("host-3", "10.242.0.3", "10.241.5.0/24");

    private String namespace;
    private NetworkCommands commands;

    @BeforeEach
    void createNamespace()
            throws NetworkException
    {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        namespace = "berth-nt-" + HexFormat.of().formatHex(random);
        NetworkCommands host = new NetworkCommands();
        host.run("create the test namespace", List.of(NetworkCommands.IP, "netns", "add", namespace));
        commands = new NetworkCommands(List.of(NetworkCommands.IP, "netns", "exec", namespace));
        // a veth pair with both ends inside stands in for the underlay (this kernel has no dummy interfaces)
        inside("ip", "link", "add", "u0", "type", "veth", "peer", "name", "u1");
        inside("ip", "addr", "add", "10.242.0.1/24", "dev", "u0");
        inside("ip", "link", "set", "u1", "up");
        inside("ip", "link", "set", "u0", "up");
        inside("ip", "link", "set", "lo", "up");
    }

    @AfterEach
    void removeNamespace()
            throws NetworkException
    {
        new NetworkCommands().run("delete the test namespace", List.of(NetworkCommands.IP, "netns", "delete", namespace));
    }

    @Test
    void vxlanLinkFollowsThePeersAndGoesWithTheLast()
            throws Exception
    {
        VxlanHostLinks links = new VxlanHostLinks(BRIDGE, "10.242.0.1", commands);
        String device = links.deviceName();
        assertThat(device).isEqualTo("bnt0.vx");

        links.update(LINK, SLICE, List.of(PEER_2));

        String details = inside("ip", "-d", "link", "show", "dev", device);
        assertThat(details).contains("mtu 1450").contains("link/ether 02:62:0a:f1:03:00").contains("vxlan id 4242")
                .contains("local 10.242.0.1").contains("dstport 4789").contains("nolearning");
        assertThat(inside("ip", "-4", "addr", "show", "dev", device)).contains("inet 10.241.3.0/32");
        String state = peerState(device);
        assertThat(state)
                .contains("10.241.4.0/24 via 10.241.4.0 onlink")
                .contains("10.241.4.0 lladdr 02:62:0a:f1:04:00 PERMANENT")
                .contains("02:62:0a:f1:04:00 dst 10.242.0.2 self permanent");

        links.update(LINK, SLICE, List.of(PEER_2));
        assertThat(peerState(device)).isEqualTo(state);

        links.update(LINK, SLICE, List.of(PEER_3));
        assertThat(peerState(device))
                .doesNotContain("10.241.4.0").doesNotContain("10.242.0.2")
                .contains("10.241.5.0/24 via 10.241.5.0 onlink")
                .contains("02:62:0a:f1:05:00 dst 10.242.0.3 self permanent");

        // another segment id: the device is made again to match
        links.update(new HostLinkSettings(HostLinkSettings.VXLAN, 4343, 4789), SLICE, List.of(PEER_3));
        assertThat(inside("ip", "-d", "link", "show", "dev", device)).contains("vxlan id 4343");
        assertThat(peerState(device)).contains("10.241.5.0/24 via 10.241.5.0 onlink");

        links.update(LINK, SLICE, List.of());
        assertThat(commands.linkExists(device)).isFalse();
        assertThat(inside("ip", "route", "show")).doesNotContain("10.241.");
        links.remove();
    }

    /**
     * A bridge an earlier Berth made left its MAC to the kernel, which gives it the lowest of its ports': the agent
     * keeps the MAC it has now (the one the running tasks cached) and stops it from following the ports.
     */
    @Test
    void aBridgeMadeWithoutAnAddressKeepsTheOneItHasOnceAdopted()
            throws Exception
    {
        inside("ip", "link", "add", BRIDGE, "type", "bridge");
        inside("ip", "link", "add", "t0", "address", "0a:00:00:00:00:50", "type", "veth", "peer", "name", "t0p");
        inside("ip", "link", "set", "t0", "master", BRIDGE);
        assertThat(mac(BRIDGE)).as("the kernel lends the bridge its port's MAC").isEqualTo("0a:00:00:00:00:50");

        new HostBridge(BRIDGE, commands).ensure(SLICE, 1450);
        // a task's veth with a lower MAC joins, and the first leaves
        inside("ip", "link", "add", "t1", "address", "02:00:00:00:00:10", "type", "veth", "peer", "name", "t1p");
        inside("ip", "link", "set", "t1", "master", BRIDGE);
        inside("ip", "link", "delete", "t0");

        assertThat(mac(BRIDGE)).isEqualTo("0a:00:00:00:00:50");
        new HostBridge(BRIDGE, commands).remove();
    }

    /** A bridge Berth makes has its own MAC from the start, not one of its ports'. */
    @Test
    void aNewBridgeHasAnAddressOfItsOwn()
            throws Exception
    {
        new HostBridge(BRIDGE, commands).ensure(SLICE, 1450);
        assertThat(mac(BRIDGE)).isEqualTo("02:63:0a:f1:03:01").isEqualTo(HostBridge.macAddress(SLICE));
        inside("ip", "link", "add", "t1", "address", "02:00:00:00:00:10", "type", "veth", "peer", "name", "t1p");
        inside("ip", "link", "set", "t1", "master", BRIDGE);

        assertThat(mac(BRIDGE)).isEqualTo("02:63:0a:f1:03:01");
        new HostBridge(BRIDGE, commands).remove();
    }

    private String mac(String device)
            throws Exception
    {
        return NetworkCommands.wordAfter(inside("ip", "-o", "link", "show", "dev", device), "link/ether").orElseThrow();
    }

    @Test
    void firewallAppliesAtomicallyIdempotentlyAndGoesWithoutTrace()
            throws Exception
    {
        new HostBridge(BRIDGE, commands).ensure(SLICE, 1450);
        assertThat(inside("ip", "-4", "addr", "show", "dev", BRIDGE)).contains("inet 10.241.3.1/24");
        FirewallRules rules = FirewallRulesetTest.rules(Map.of("222222222222", EgressPolicy.denyAll()));
        TenantFirewall firewall = new TenantFirewall(BRIDGE, commands);

        firewall.apply(() -> rules);

        String inet = inside("nft", "list", "table", "inet", "berth-bnt0");
        assertThat(inet).contains("jump to_tasks").contains("ip daddr . meta mark @endpoint_owner accept")
                .contains("tcp dport 51680").contains("masquerade").contains("10.241.4.2 : 0x00000001");
        String bridge = inside("nft", "list", "table", "bridge", "berth-bnt0");
        assertThat(bridge).contains("\"veth1a\" . 0a:58:0a:f1:03:02 . 10.241.3.2").contains("jump between_tasks");

        // applied again from scratch (a restarted agent): the same tables, nothing doubled
        new TenantFirewall(BRIDGE, commands).apply(() -> rules);
        assertThat(inside("nft", "list", "table", "inet", "berth-bnt0")).isEqualTo(inet);
        assertThat(inside("nft", "list", "table", "bridge", "berth-bnt0")).isEqualTo(bridge);

        // a task leaves: its identity leaves the tables in the same transaction
        FirewallRules fewer = new FirewallRules(rules.bridgeName(), rules.linkDevice(), rules.taskCidr(), rules.hostSubnet(), rules.metadataPort(),
                List.of(FirewallRulesetTest.TASK_A), rules.endpoints(), rules.peerUnderlayAddresses(), rules.egress(), rules.reachableServices());
        firewall.apply(() -> fewer);
        assertThat(inside("nft", "list", "table", "bridge", "berth-bnt0")).doesNotContain("veth2b");

        firewall.remove();
        firewall.remove();
        new HostBridge(BRIDGE, commands).remove();
        assertThat(inside("nft", "list", "ruleset")).doesNotContain("berth-bnt0");
        assertThat(commands.linkExists(BRIDGE)).isFalse();
    }

    private String peerState(String device)
            throws NetworkException
    {
        return inside("ip", "-4", "route", "show", "dev", device) + "\n"
                + inside("ip", "-4", "neigh", "show", "dev", device) + "\n"
                + inside("bridge", "fdb", "show", "dev", device);
    }

    private String inside(String... command)
            throws NetworkException
    {
        return commands.run("run " + String.join(" ", command) + " in " + namespace, List.of(command));
    }
}
