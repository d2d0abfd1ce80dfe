/**
 * Container logs: reading the monitor's timestamped log files back as lines, from a position on (for `berth logs`),
 * and shipping the lines of awslogs containers from those same files to the control plane's CloudWatch Logs.
 */
package io.berth.agent.logs;
