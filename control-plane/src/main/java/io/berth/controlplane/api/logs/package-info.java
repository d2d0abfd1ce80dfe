/**
 * The CloudWatch Logs API (JSON 1.1, X-Amz-Target Logs_20140328.*, SigV4 service logs): the subset that awslogs
 * users read with, over the logs domain, with CloudWatch's error shapes.
 */
package io.berth.controlplane.api.logs;
