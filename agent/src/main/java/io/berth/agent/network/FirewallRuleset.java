package io.berth.agent.network;

import io.berth.agent.network.FirewallRules.LocalTask;
import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.TaskEndpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders a host's tenant firewall as one `nft -f` input: a pure function, so what keeps accounts apart can be
 * read and tested without a kernel. Each table is declared, deleted and declared again with all its content
 * in the same input, which nft applies as one transaction: a running task is never without rules, and a
 * re-render leaves no stale element behind.
 *
 * <p>Two tables, both named after the bridge so that two agents on one machine never touch each other's:
 * <ul>
 * <li>bridge family: what a task's port on the bridge may send (only its own MAC and IPv4 address, ARP that
 * tells the truth about both; no IPv6 or other protocols), and which other local ports it may reach (only
 * those of its own account); the ports of warm namespaces that no task has yet, and of released tasks, pass nothing;</li>
 * <li>inet family: routed traffic. Into the task network only from a task of the destination's account;
 * from tasks outward never to link-local addresses or other hosts, and within the account's egress policy;
 * to this host only the metadata endpoint and the reachable services; masquerade for traffic leaving the
 * task network.</li>
 * </ul>
 * Accounts become packet marks numbered here (sorted account ids, 1 and up): marks never leave the host, so
 * only this render has to agree with itself.
 */
final class FirewallRuleset
{
    private FirewallRuleset() {}

    /** The name of both tables of the agent that owns this bridge. */
    static String tableName(String bridgeName)
    {
        return "berth-" + bridgeName;
    }

    static String render(FirewallRules rules)
    {
        Map<String, Integer> marks = accountMarks(rules);
        return renderBridgeTable(rules, marks) + renderInetTable(rules, marks);
    }

    /** An input that removes both tables, and succeeds when they do not exist. */
    static String removal(String bridgeName)
    {
        String table = tableName(bridgeName);
        return "table bridge " + table + "\ndelete table bridge " + table + "\n"
                + "table inet " + table + "\ndelete table inet " + table + "\n";
    }

    static Map<String, Integer> accountMarks(FirewallRules rules)
    {
        TreeSet<String> accounts = new TreeSet<>();
        rules.localTasks().forEach(task -> accounts.add(task.accountId()));
        rules.endpoints().forEach(endpoint -> accounts.add(endpoint.accountId()));
        accounts.addAll(rules.egress().keySet());
        Map<String, Integer> marks = new TreeMap<>();
        for (String account : accounts) {
            marks.put(account, marks.size() + 1);
        }
        return marks;
    }

    private static String renderBridgeTable(FirewallRules rules, Map<String, Integer> marks)
    {
        String table = tableName(rules.bridgeName());
        List<LocalTask> tasks = rules.localTasks();
        StringBuilder out = new StringBuilder();
        out.append("table bridge ").append(table).append('\n');
        out.append("delete table bridge ").append(table).append('\n');
        out.append("table bridge ").append(table).append(" {\n");
        set(out, "task_ports", "ifname", tasks.stream().map(task -> quote(task.hostInterface())).toList());
        set(out, "task_identity", "ifname . ether_addr . ipv4_addr",
                tasks.stream().map(task -> quote(task.hostInterface()) + " . " + task.macAddress() + " . " + task.ipv4Address()).toList());
        set(out, "port_account", "ifname : mark", tasks.stream().map(task -> quote(task.hostInterface()) + " : " + marks.get(task.accountId())).toList());
        set(out, "port_owner", "ifname . mark", tasks.stream().map(task -> quote(task.hostInterface()) + " . " + marks.get(task.accountId())).toList());
        set(out, "idle_ports", "ifname", rules.idlePorts().stream().map(FirewallRuleset::quote).toList());
        out.append("""
                    chain prerouting {
                        type filter hook prerouting priority filter; policy accept;
                        # a warm namespace waiting for its task, or a released task's port, is cut off either way
                        iifname @idle_ports drop
                        iifname @task_ports jump from_task
                    }
                    # a task sends only from its own MAC and address, and ARP only about itself
                    chain from_task {
                        iifname . ether saddr . ip saddr @task_identity return
                        iifname . ether saddr . arp saddr ip @task_identity iifname . arp saddr ether . arp saddr ip @task_identity return
                        drop
                    }
                    chain forward {
                        type filter hook forward priority filter; policy accept;
                        oifname @idle_ports drop
                        iifname @task_ports oifname @task_ports jump between_tasks
                    }
                    chain output {
                        type filter hook output priority filter; policy accept;
                        oifname @idle_ports drop
                    }
                    # tasks on this host reach each other only within one account
                    chain between_tasks {
                        meta mark set iifname map @port_account
                        oifname . meta mark @port_owner accept
                        drop
                    }
                }
                """);
        return out.toString();
    }

    private static String renderInetTable(FirewallRules rules, Map<String, Integer> marks)
    {
        String table = tableName(rules.bridgeName());
        String bridge = quote(rules.bridgeName());
        String taskCidr = rules.taskCidr().toString();
        StringBuilder out = new StringBuilder();
        out.append("table inet ").append(table).append('\n');
        out.append("delete table inet ").append(table).append('\n');
        out.append("table inet ").append(table).append(" {\n");
        Map<String, String> endpointAccounts = endpointAccounts(rules);
        set(out, "endpoint_account", "ipv4_addr : mark", endpointAccounts.entrySet().stream().map(entry -> entry.getKey() + " : " + marks.get(entry.getValue())).toList());
        set(out, "endpoint_owner", "ipv4_addr . mark", endpointAccounts.entrySet().stream().map(entry -> entry.getKey() + " . " + marks.get(entry.getValue())).toList());
        set(out, "reachable_services", "ipv4_addr . inet_service", rules.reachableServices().stream().map(service -> service.replace(":", " . ")).sorted().toList());
        set(out, "peer_hosts", "ipv4_addr", new TreeSet<>(rules.peerUnderlayAddresses()));
        set(out, "peer_links", "ipv4_addr", new TreeSet<>(rules.peerLinkAddresses()));

        List<String> fromTasks = new ArrayList<>(List.of(
                "ip daddr 169.254.0.0/16 drop",
                "meta l4proto tcp ip daddr . th dport @reachable_services accept",
                "ip daddr @peer_hosts drop"));
        if (!rules.egress().isEmpty()) {
            fromTasks.add("meta mark set 0");
            fromTasks.add("meta mark set ip saddr map @endpoint_account");
            for (Map.Entry<String, EgressPolicy> policy : new TreeMap<>(rules.egress()).entrySet()) {
                int mark = marks.get(policy.getKey());
                if (!policy.getValue().deniesAll()) {
                    fromTasks.add("meta mark " + mark + " ip daddr " + elements(policy.getValue().allowedCidrs()) + " accept");
                }
                fromTasks.add("meta mark " + mark + " drop");
            }
        }
        fromTasks.add("accept");

        List<String> toHost = new ArrayList<>();
        toHost.add("ct state established,related accept");
        if (rules.metadataPort() > 0) {
            // only this host's own tasks: another host's tasks have their own host's endpoint
            toHost.add("iifname " + bridge + " ip daddr " + rules.gateway() + " tcp dport " + rules.metadataPort() + " accept");
        }
        toHost.add("meta l4proto tcp ip daddr . th dport @reachable_services accept");
        toHost.add("drop");

        String taskInterfaces = rules.linkDevice().map(device -> "{ " + bridge + ", " + quote(device) + " }").orElse(bridge);
        out.append("    chain forward {\n        type filter hook forward priority filter; policy accept;\n");
        lines(out, List.of(
                "ct state established,related accept",
                "ip daddr " + taskCidr + " jump to_tasks",
                "iifname " + bridge + " jump from_tasks",
                "# nothing from outside the task network opens a connection to a task",
                "oifname " + bridge + " drop"));
        out.append("    }\n");
        out.append("    # a task is reached only from a task of its own account, on any host, and from the hosts themselves: another\n");
        out.append("    # host's own address on the task network (its load balancer), which no task can send from (anti-spoofing)\n");
        out.append("    chain to_tasks {\n");
        lines(out, List.of(
                "ip saddr @peer_links accept",
                "ip saddr != " + taskCidr + " drop",
                "meta mark set 0",
                "meta mark set ip saddr map @endpoint_account",
                "ip daddr . meta mark @endpoint_owner accept",
                "drop"));
        out.append("    }\n");
        out.append("    # tasks leave the task network except to link-local addresses, other hosts, or past their egress policy\n");
        out.append("    chain from_tasks {\n");
        lines(out, fromTasks);
        out.append("    }\n");
        out.append("    chain input {\n        type filter hook input priority filter; policy accept;\n");
        lines(out, List.of("iifname " + taskInterfaces + " jump tasks_to_host"));
        out.append("    }\n");
        out.append("    # of this host, tasks reach only the metadata endpoint and the services the plan names\n");
        out.append("    chain tasks_to_host {\n");
        lines(out, toHost);
        out.append("    }\n");
        out.append("    chain postrouting {\n        type nat hook postrouting priority srcnat; policy accept;\n");
        lines(out, List.of("ip saddr " + rules.hostSubnet() + " ip daddr != " + taskCidr + " oifname != " + bridge + " masquerade"));
        out.append("    }\n");
        out.append("}\n");
        return out.toString();
    }

    /** Every task address of the cluster with its account; this host's own tasks win over a stale plan. */
    private static Map<String, String> endpointAccounts(FirewallRules rules)
    {
        Map<String, String> accounts = new TreeMap<>();
        for (TaskEndpoint endpoint : rules.endpoints()) {
            accounts.put(endpoint.ipv4Address(), endpoint.accountId());
        }
        for (LocalTask task : rules.localTasks()) {
            accounts.put(task.ipv4Address(), task.accountId());
        }
        return accounts;
    }

    private static void set(StringBuilder out, String name, String type, Collection<String> elements)
    {
        String kind = type.contains(" : ") ? "map" : "set";
        out.append("    ").append(kind).append(' ').append(name).append(" {\n");
        out.append("        type ").append(type).append('\n');
        if (!elements.isEmpty()) {
            out.append("        elements = ").append(elements(elements)).append('\n');
        }
        out.append("    }\n");
    }

    private static String elements(Collection<String> elements)
    {
        return elements.stream().collect(Collectors.joining(", ", "{ ", " }"));
    }

    private static void lines(StringBuilder out, List<String> lines)
    {
        lines.forEach(line -> out.append("        ").append(line).append('\n'));
    }

    private static String quote(String name)
    {
        return "\"" + name + "\"";
    }
}
