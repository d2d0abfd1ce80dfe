/** What every ECS resource shares: ARNs and how requests name resources, pages of lists, describe results. */
package io.berth.controlplane.resources;
