/**
 * What every ECS resource shares: ARNs and how requests name resources, pages of lists, describe results, and
 * the domain's refusal of a request (mapped to each protocol's error at the edge).
 */
package io.berth.controlplane.resources;
