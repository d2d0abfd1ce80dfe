/**
 * The task network as the control plane owns it: the address plan (the cluster's task CIDR cut into one slice
 * per host), the allocator that hands a host its slice, the plan each agent receives in its sync answer (its
 * slice, the link between hosts, its peers, every task address with its account, the accounts' egress), and the
 * operator's egress policies. The decisions are pure functions of a snapshot; the store holds what they decide.
 */
package io.berth.controlplane.network;
