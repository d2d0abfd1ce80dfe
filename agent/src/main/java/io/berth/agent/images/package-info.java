/**
 * Images: parsing references as Docker does, pulling from OCI Distribution registries, a digest-addressed
 * content store, and layers unpacked once (safely) and shared read-only by every task.
 */
package io.berth.agent.images;
