/**
 * Images: parsing references as Docker does, pulling from OCI Distribution registries, a digest-addressed
 * content store, layers unpacked once (safely) and shared read-only by every task, and garbage collection that keeps
 * the store within its size by removing the least recently used images no task holds.
 */
package io.berth.agent.images;
