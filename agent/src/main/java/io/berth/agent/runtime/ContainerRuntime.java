package io.berth.agent.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Starts, watches, signals and deletes containers. Every method is safe to call after an agent restart. */
public interface ContainerRuntime
{
    /**
     * Creates the bundle, starts the monitor and the container, and returns once the process runs.
     *
     * @throws ContainerStartException with a message fit for a container's reason
     */
    void start(ContainerLaunch launch)
            throws ContainerStartException;

    /** What the runtime knows of the container now; empty if nothing of it exists. */
    Optional<ContainerStatus> status(String containerId);

    /** Sends a signal to the container's init process; no effect if it has exited. */
    void signal(String containerId, int signal);

    /**
     * Removes everything of the container: runtime state, cgroup, monitor, bundle. Kills it first if it
     * still runs. Idempotent.
     */
    void delete(String containerId);

    /**
     * The container's CPU and memory counters now; empty when its cgroup is gone or the runtime cannot
     * read it. Read it before {@link #delete}, which removes the cgroup and its counters.
     */
    default Optional<ContainerUsage> usage(String containerId)
    {
        return Optional.empty();
    }

    /**
     * Runs a process in the running container (its namespaces, cgroup, user, environment and working directory, at
     * its isolation tier) and waits for it within timeout; a process still running at the deadline is killed.
     * A command that cannot run at all (the container has exited, say) ends with a non-zero exit code and the
     * runtime's message as output.
     */
    default ExecResult exec(String containerId, List<String> arguments, Duration timeout)
    {
        throw new UnsupportedOperationException("this runtime cannot run processes in containers");
    }

    /** Ids of every container this runtime has state for, running or exited. */
    List<String> containerIds();

    /**
     * Tells exited the id of each container that exits, soon after, for a runtime that learns of exits as they
     * happen (conmon's exit files): a caller then need not look at its running containers often. It may also tell
     * of a container more than once, or of one that did not exit (a caller looks at the status). Empty when this
     * runtime cannot tell; the watch goes when the handle is closed.
     */
    default Optional<ExitWatch> watchExits(Consumer<String> exited)
    {
        return Optional.empty();
    }

    /** A watch on containers' exits, see {@link #watchExits}. */
    interface ExitWatch
            extends AutoCloseable
    {
        @Override
        void close();
    }
}
