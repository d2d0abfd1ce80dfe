/**
 * Tasks: RunTask/StopTask, the lifecycle PROVISIONING -> PENDING -> RUNNING -> STOPPED driven by agent
 * reports, the merge of task definition and overrides into what an agent runs, and the tags a task gets.
 */
package io.berth.controlplane.tasks;
