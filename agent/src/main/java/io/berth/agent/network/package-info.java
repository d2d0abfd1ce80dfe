/**
 * The task network on this host, as Fargate's awsvpc mode gives it: a named network namespace per task with one
 * address from this host's slice of the cluster's task CIDR (the control plane's {@code NetworkPlan}), on a
 * per-agent bridge, without NAT between tasks. A task's veth, address and route are made in this process over netlink
 * ({@code KernelBridgePorts}, with addresses kept in the CNI host-local plugin's own files), or by the CNI bridge and
 * host-local plugins for an agent whose host commands run under a prefix ({@code PluginBridgePorts}).
 * <ul>
 * <li>{@link io.berth.agent.network.TaskNetwork} is the contract the agent uses (apply a plan, set up and tear
 * down a task); {@link io.berth.agent.network.CniTaskNetwork} implements it.</li>
 * <li>{@code HostLinks} connects this host to the other hosts' slices ({@code VxlanHostLinks} here; an encrypted
 * link can take its place).</li>
 * <li>{@code TenantFirewall} keeps accounts apart and the host closed to tasks, with nftables rules that
 * {@code FirewallRuleset} renders from a {@code FirewallRules} value, a pure function.</li>
 * <li>{@code TaskMetadataAddress} points 169.254.170.2:80, where the AWS SDKs read task credentials, at the
 * metadata endpoint with a DNAT inside each task's own namespace (the host's tables stay without NAT).</li>
 * <li>Every host command goes through {@code NetworkCommands}, which runs it with a deadline.</li>
 * </ul>
 */
package io.berth.agent.network;
