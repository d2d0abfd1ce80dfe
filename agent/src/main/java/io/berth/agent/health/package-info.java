/**
 * Container health checks: the ECS healthCheck command run inside each running container (through the runtime's
 * exec, so at the container's isolation tier and in its user namespace) on one shared schedule for the whole host,
 * and the status each container's results add up to ({@link io.berth.agent.health.HealthCheckState}).
 */
package io.berth.agent.health;
