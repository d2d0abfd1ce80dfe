/** ECS clusters: named groups of an account's tasks; "default" appears when a request names none. */
package io.berth.controlplane.clusters;
