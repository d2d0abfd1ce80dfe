/**
 * The agent: one per host. It holds actual state and acts: pulls images, prepares root filesystems, runs
 * containers under a monitor, and reports back. It can restart at any moment and rebuild its view from the
 * host (runtime state, exit files, mounts).
 */
package io.berth.agent;
