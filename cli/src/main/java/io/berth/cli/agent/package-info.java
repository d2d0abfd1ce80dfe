/**
 * `berth agent`: one host's agent wired to its control plane over HTTP. Joins with a token (or reuses the
 * credential in its data directory), runs tasks with runc under conmon, and serves task logs to the control
 * plane. Every piece of host state (runtime, runc root, mounts, images, logs) lives under the agent's own data
 * directory and its cgroups under berth/&lt;hostId&gt;, so several agents on one machine never collide.
 */
package io.berth.cli.agent;
