package io.berth.agent.network;

import io.berth.agent.network.FirewallRules.LocalTask;
import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirewallRulesetTest
{
    static final LocalTask TASK_A = new LocalTask("task-a", "111111111111", "veth1a", "0A:58:0a:f1:03:02", "10.241.3.2");
    static final LocalTask TASK_B = new LocalTask("task-b", "222222222222", "veth2b", "0a:58:0a:f1:03:03", "10.241.3.3");

    static FirewallRules rules(Map<String, EgressPolicy> egress)
    {
        return new FirewallRules("bnt0", Optional.of("bnt0.vx"), Ipv4Cidr.parse("10.241.0.0/16"), Ipv4Cidr.parse("10.241.3.0/24"), 51680,
                List.of(TASK_A, TASK_B),
                List.of(new TaskEndpoint("10.241.4.2", "111111111111"), new TaskEndpoint("10.241.4.3", "222222222222"),
                        // a stale plan entry for a local address: the host's own knowledge wins
                        new TaskEndpoint("10.241.3.2", "222222222222")),
                List.of("10.242.0.2"),
                egress,
                List.of("10.242.0.1:8686"),
                List.of("10.241.4.0"));
    }

    @Test
    void bothTablesAreReplacedInOneInput()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        assertThat(ruleset).startsWith("table bridge berth-bnt0\ndelete table bridge berth-bnt0\ntable bridge berth-bnt0 {\n");
        assertThat(ruleset).contains("table inet berth-bnt0\ndelete table inet berth-bnt0\ntable inet berth-bnt0 {\n");
        assertThat(FirewallRuleset.removal("bnt0")).isEqualTo("""
                table bridge berth-bnt0
                delete table bridge berth-bnt0
                table inet berth-bnt0
                delete table inet berth-bnt0
                """);
    }

    @Test
    void accountsAreNumberedBySortedId()
    {
        assertThat(FirewallRuleset.accountMarks(rules(Map.of("333333333333", EgressPolicy.denyAll()))))
                .containsExactly(Map.entry("111111111111", 1), Map.entry("222222222222", 2), Map.entry("333333333333", 3));
    }

    @Test
    void tasksSendOnlyFromTheirOwnMacAndAddress()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        assertThat(ruleset).contains("elements = { \"veth1a\", \"veth2b\" }");
        assertThat(ruleset).contains("elements = { \"veth1a\" . 0a:58:0a:f1:03:02 . 10.241.3.2, \"veth2b\" . 0a:58:0a:f1:03:03 . 10.241.3.3 }");
        assertThat(ruleset).contains("iifname @task_ports jump from_task");
        assertThat(ruleset).contains("iifname . ether saddr . ip saddr @task_identity return");
        assertThat(ruleset).contains("iifname . ether saddr . arp saddr ip @task_identity iifname . arp saddr ether . arp saddr ip @task_identity return");
        // IPv6 and every other protocol: the chain ends in a drop
        assertThat(chain(ruleset, "from_task")).endsWith("drop");
    }

    @Test
    void thePortsOfWarmNamespacesPassNothingBeforeAnyOtherRule()
    {
        FirewallRules base = rules(Map.of());
        FirewallRules rules = new FirewallRules(base.bridgeName(), base.linkDevice(), base.taskCidr(), base.hostSubnet(), base.metadataPort(), base.localTasks(),
                base.endpoints(), base.peerUnderlayAddresses(), base.egress(), base.reachableServices(), base.peerLinkAddresses(), List.of("vethw1", "vethw2"));

        String ruleset = FirewallRuleset.render(rules);

        assertThat(ruleset).contains("set idle_ports {\n        type ifname\n        elements = { \"vethw1\", \"vethw2\" }\n    }");
        // from them, to them (bridged from a task) and to them from the host: dropped first
        assertThat(chain(ruleset, "prerouting")).startsWith("# a warm namespace waiting for its task, or a released task's port, is cut off either way\niifname @idle_ports drop\n");
        assertThat(chain(ruleset, "forward")).startsWith("oifname @idle_ports drop\n");
        assertThat(chain(ruleset, "output")).isEqualTo("oifname @idle_ports drop");
        // without warm namespaces the set is empty
        assertThat(FirewallRuleset.render(base)).contains("set idle_ports {\n        type ifname\n    }");
        assertThatThrownBy(() -> new FirewallRules(base.bridgeName(), base.linkDevice(), base.taskCidr(), base.hostSubnet(), base.metadataPort(), base.localTasks(),
                base.endpoints(), base.peerUnderlayAddresses(), base.egress(), base.reachableServices(), base.peerLinkAddresses(), List.of("veth\"; flush ruleset")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tasksOnOneHostReachOnlyTheirOwnAccount()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        assertThat(ruleset).contains("elements = { \"veth1a\" : 1, \"veth2b\" : 2 }");
        assertThat(ruleset).contains("elements = { \"veth1a\" . 1, \"veth2b\" . 2 }");
        assertThat(chain(ruleset, "between_tasks")).isEqualTo("""
                meta mark set iifname map @port_account
                oifname . meta mark @port_owner accept
                drop""");
    }

    @Test
    void routedTrafficIntoTheTaskNetworkNeedsTheDestinationsAccount()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        // local tasks override the plan's stale entry for 10.241.3.2
        assertThat(ruleset).contains("elements = { 10.241.3.2 : 1, 10.241.3.3 : 2, 10.241.4.2 : 1, 10.241.4.3 : 2 }");
        assertThat(ruleset).contains("elements = { 10.241.3.2 . 1, 10.241.3.3 . 2, 10.241.4.2 . 1, 10.241.4.3 . 2 }");
        assertThat(chain(inet(ruleset), "forward")).startsWith("ct state established,related accept\nip daddr 10.241.0.0/16 jump to_tasks");
        // another host's own address on the task network (its load balancer's health checks and requests) reaches tasks
        assertThat(ruleset).contains("set peer_links {\n        type ipv4_addr\n        elements = { 10.241.4.0 }\n    }");
        assertThat(chain(ruleset, "to_tasks")).isEqualTo("""
                ip saddr @peer_links accept
                ip saddr != 10.241.0.0/16 drop
                meta mark set 0
                meta mark set ip saddr map @endpoint_account
                ip daddr . meta mark @endpoint_owner accept
                drop""");
        assertThat(chain(inet(ruleset), "forward")).endsWith("oifname \"bnt0\" drop");
    }

    @Test
    void theHostIsClosedToTasksExceptMetadataAndReachableServices()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        assertThat(chain(ruleset, "input")).isEqualTo("iifname { \"bnt0\", \"bnt0.vx\" } jump tasks_to_host");
        assertThat(chain(ruleset, "tasks_to_host")).isEqualTo("""
                ct state established,related accept
                iifname "bnt0" ip daddr 10.241.3.1 tcp dport 51680 accept
                meta l4proto tcp ip daddr . th dport @reachable_services accept
                drop""");
        assertThat(ruleset).contains("elements = { 10.242.0.1 . 8686 }");
        assertThat(chain(ruleset, "from_tasks")).isEqualTo("""
                ip daddr 169.254.0.0/16 drop
                meta l4proto tcp ip daddr . th dport @reachable_services accept
                ip daddr @peer_hosts drop
                accept""");
    }

    @Test
    void withoutMetadataEndpointOrPeersNoSuchRule()
    {
        FirewallRules rules = new FirewallRules("bnt0", Optional.empty(), Ipv4Cidr.parse("10.241.0.0/16"), Ipv4Cidr.parse("10.241.3.0/24"), 0,
                List.of(), List.of(), List.of(), Map.of(), List.of());
        String ruleset = FirewallRuleset.render(rules);

        assertThat(chain(ruleset, "input")).isEqualTo("iifname \"bnt0\" jump tasks_to_host");
        assertThat(chain(ruleset, "tasks_to_host")).doesNotContain("dport 0").doesNotContain("10.241.3.1");
        // empty sets are declared without elements (nft refuses "elements = { }")
        assertThat(ruleset).doesNotContain("{  }").doesNotContain("{ }");
    }

    @Test
    void egressPolicyAppliesPerAccount()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of(
                "111111111111", EgressPolicy.denyAll(),
                "222222222222", new EgressPolicy(List.of("192.0.2.0/24", "198.51.100.0/24")))));

        assertThat(chain(ruleset, "from_tasks")).isEqualTo("""
                ip daddr 169.254.0.0/16 drop
                meta l4proto tcp ip daddr . th dport @reachable_services accept
                ip daddr @peer_hosts drop
                meta mark set 0
                meta mark set ip saddr map @endpoint_account
                meta mark 1 drop
                meta mark 2 ip daddr { 192.0.2.0/24, 198.51.100.0/24 } accept
                meta mark 2 drop
                accept""");
    }

    @Test
    void masqueradeOnlyWhatLeavesTheTaskNetwork()
    {
        String ruleset = FirewallRuleset.render(rules(Map.of()));

        assertThat(chain(ruleset, "postrouting")).isEqualTo("ip saddr 10.241.3.0/24 ip daddr != 10.241.0.0/16 oifname != \"bnt0\" masquerade");
    }

    @Test
    void rulesCheckTheirInputs()
    {
        assertThatThrownBy(() -> new LocalTask("t", "a", "veth\"; drop", "0a:58:0a:f1:03:02", "10.241.3.2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FirewallRules("bnt0", Optional.empty(), Ipv4Cidr.parse("10.241.0.0/16"), Ipv4Cidr.parse("10.241.3.0/24"), 0,
                List.of(), List.of(), List.of(), Map.of(), List.of("10.0.0.1"))).hasMessageContaining("reachable service");
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.241.3.1/24")).hasMessageContaining("host bits");
    }

    /** The inet table, whose forward chain has the same name as the bridge table's. */
    static String inet(String ruleset)
    {
        return ruleset.substring(ruleset.indexOf("table inet berth-bnt0 {"));
    }

    /** The rules of one chain, without its hook line, trimmed. */
    static String chain(String ruleset, String name)
    {
        int start = ruleset.indexOf("    chain " + name + " {\n");
        assertThat(start).as("chain " + name).isNotNegative();
        int body = ruleset.indexOf('\n', start) + 1;
        int end = ruleset.indexOf("\n    }\n", body);
        return ruleset.substring(body, end).lines()
                .map(String::strip)
                .filter(line -> !line.startsWith("type "))
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
