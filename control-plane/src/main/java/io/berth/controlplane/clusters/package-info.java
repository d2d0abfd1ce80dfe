/**
 * ECS clusters: named groups of an account's tasks; "default" appears when a request names none. A cluster keeps its
 * tags, settings (containerInsights) and capacity providers in one configuration body.
 */
package io.berth.controlplane.clusters;
