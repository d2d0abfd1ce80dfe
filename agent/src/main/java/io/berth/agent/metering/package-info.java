/**
 * Usage metering on the host: what each task's containers really use (CPU seconds, average and peak
 * memory), read from their cgroups every few seconds and once more just before a container is deleted,
 * kept on disk so an agent restart loses nothing, and attached to the task reports the control plane bills
 * from. The task lifecycle does not know about it: {@link io.berth.agent.metering.MeteredRuntime} takes the
 * last reading on delete, and {@link io.berth.agent.metering.UsageReportingLink} adds usage to each sync.
 */
package io.berth.agent.metering;
