/**
 * The agent's one way to run a host command: with a deadline, its output captured without blocking that
 * deadline. The runtime (runc) and the task network (ip, bridge, nft, CNI plugins) both use it; every start of a
 * process goes through {@code ProcessStarts}, which keeps the kernel's wait for a child's exec off the virtual
 * threads' carriers. And the count of tasks starting or stopping ({@code TaskTransitions}), which the work done ahead
 * of need waits for, and which gives the tasks to start their turns (a few at once, first come first).
 */
package io.berth.agent.process;
