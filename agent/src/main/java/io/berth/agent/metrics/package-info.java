/**
 * The agent's Prometheus metrics, served at /metrics on the agent's own port (its endpoint) to the holder of the
 * metrics token: how long each step of a task's start and stop takes and how often it fails (image pull, network,
 * storage, root filesystem, container start; and their removal, whose failures are cleanup failures), task starts
 * and stops, and the image store's size. Measured by decorators around the host's parts and the control-plane
 * link, so the task runner itself knows nothing of metrics. Labels name steps, results and stop codes only.
 */
package io.berth.agent.metrics;
