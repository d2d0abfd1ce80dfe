/**
 * CloudWatch Logs, per account, without a wire format: log groups with retention, their streams, the events in
 * them, read by stream with position tokens or across a group with a filter pattern; and the awslogs driver's side
 * of it (a task's groups and streams readied when it is created, its containers' lines taken from its host).
 */
package io.berth.controlplane.logs;
