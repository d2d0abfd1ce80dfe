/**
 * IPv4 address arithmetic that the control plane (cutting the task CIDR into host slices, checking egress
 * policies) and the agent (bridges, links, firewall rules) must agree on, so it is written once; and the free port
 * a server binds later (the local registry, test and benchmark fleets), chosen where nothing else takes it meanwhile.
 */
package io.berth.common.network;
