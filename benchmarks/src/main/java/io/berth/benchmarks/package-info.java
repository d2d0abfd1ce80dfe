/**
 * How fast Berth starts a task, measured against the runtime it stands on: RunTask-to-RUNNING through the
 * ECS API of a real all-in-one Berth, a burst of tasks, and the same container spec started by raw runc and
 * by conmon + runc, all in one run on one machine, so the ratio says what Berth itself costs. Not tests:
 * run by scripts/bench.sh, which prints the figures.
 */
package io.berth.benchmarks;
