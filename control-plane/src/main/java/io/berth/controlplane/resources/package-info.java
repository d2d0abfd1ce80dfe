/**
 * What every ECS resource shares: ARNs and how requests name resources, pages of lists, describe results, and
 * the domain's refusals of a request ({@link io.berth.controlplane.resources.DomainException}: invalid request,
 * not found, conflict), which the domain throws and each protocol's edge maps to its error shape.
 */
package io.berth.controlplane.resources;
