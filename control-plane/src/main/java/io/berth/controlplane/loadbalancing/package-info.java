/**
 * Application load balancing (the Elastic Load Balancing v2 subset): load balancers, target groups, listeners and
 * rules per account, target registration and the health the ingress hosts see. Knows no wire format; the API edge
 * (api/elb) maps it to ELB's query protocol, and the agent gateway hands {@link io.berth.common.agentprotocol.IngressPlan}s
 * built here to the ingress hosts, whose HAProxy is the data plane.
 */
package io.berth.controlplane.loadbalancing;
