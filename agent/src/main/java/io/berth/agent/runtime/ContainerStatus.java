package io.berth.agent.runtime;

import java.time.Instant;

/** A container as the runtime sees it: created but not started, running, or exited. */
public sealed interface ContainerStatus
{
    record Created() implements ContainerStatus {}

    record Running(int pid) implements ContainerStatus {}

    /** oomKilled: the kernel's OOM killer killed a process of the container's cgroup. */
    record Exited(int exitCode, boolean oomKilled, Instant finishedAt) implements ContainerStatus {}
}
