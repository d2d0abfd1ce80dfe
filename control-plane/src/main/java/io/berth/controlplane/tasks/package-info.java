/**
 * Tasks: RunTask/StopTask, the lifecycle PROVISIONING -> PENDING -> RUNNING -> STOPPED driven by agent
 * reports, and the merge of task definition and overrides into what an agent runs.
 */
package io.berth.controlplane.tasks;
