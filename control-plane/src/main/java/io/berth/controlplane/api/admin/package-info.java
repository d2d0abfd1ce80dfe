/**
 * Berth's own endpoints beside the ECS API: accounts and their egress, join tokens, hosts (list, cordon, drain,
 * remove) and placement details (operator only), the bill, and task logs. Domain errors are mapped here to the
 * ECS error shape.
 */
package io.berth.controlplane.api.admin;
