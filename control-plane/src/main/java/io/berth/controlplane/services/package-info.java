/**
 * ECS services: CreateService ... DeleteService over the store ({@link io.berth.controlplane.services.ServiceOperations}),
 * and the service controller that keeps each service's tasks at its desired count and rolls deployments: a pure
 * decision over a snapshot ({@link io.berth.controlplane.services.ServiceController}) applied in one place
 * ({@link io.berth.controlplane.services.ServiceReconciler}).
 */
package io.berth.controlplane.services;
