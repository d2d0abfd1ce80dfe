/** Container logs: reading the monitor's timestamped log files back as lines, from a position on. */
package io.berth.agent.logs;
