/**
 * Metering and the bill. Each task is billed as Fargate bills: per second on its requested vCPU and
 * memory, from the start of its image pull until it stops, rounded up to the second, with a minimum
 * (one minute by default). Beside the charge stands what the task really used (CPU seconds, average and
 * peak memory, reported by its agent), and for families that use far less than they ask for, the smallest
 * Fargate size that would do, with the saving. Money is BigDecimal throughout.
 */
package io.berth.controlplane.metering;
