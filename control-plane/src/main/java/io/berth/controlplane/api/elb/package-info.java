/**
 * The Elastic Load Balancing v2 API (version 2015-12-01) on the query protocol, over the load balancing domain:
 * decodes each action's parameters (refusing those Berth does not honour, by name), calls one service method, writes
 * ELB's XML shapes, and maps domain errors to ELB's codes (LoadBalancerNotFound, TargetGroupNotFound, ...).
 */
package io.berth.controlplane.api.elb;
