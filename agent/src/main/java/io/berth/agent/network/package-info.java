/**
 * A network of its own for every task, as Fargate's awsvpc mode gives: a named network namespace with one
 * address on a per-agent bridge, set up and torn down through the standard CNI plugins (bridge, host-local
 * IPAM, loopback). {@link io.berth.agent.network.TaskNetwork} is the contract the task lifecycle uses;
 * {@link io.berth.agent.network.CniTaskNetwork} implements it.
 */
package io.berth.agent.network;
