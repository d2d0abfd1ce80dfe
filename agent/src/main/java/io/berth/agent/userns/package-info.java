/**
 * User namespaces for tasks: each task's containers run with container root mapped to a range of unprivileged
 * host ids of their own ({@link io.berth.agent.userns.IdMapping}), allocated from the agent's pool and kept in
 * the task's record ({@link io.berth.agent.userns.IdRanges}), and the kernel handle that carries a range, a
 * user namespace file descriptor, for idmapped mounts ({@link io.berth.agent.userns.UserNamespaces}).
 */
package io.berth.agent.userns;
