/**
 * Tasks: RunTask/StopTask, the lifecycle PROVISIONING -> PENDING -> RUNNING -> STOPPED driven by agent
 * reports, the merge of task definition and overrides into what an agent runs, the tags a task gets, Fargate's
 * networkConfiguration rules, and scale-in protection.
 */
package io.berth.controlplane.tasks;
