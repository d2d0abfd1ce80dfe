package io.berth.agent.tasks;

import static java.util.Objects.requireNonNull;

/**
 * Told by a task's runner when the task's report changed. A task that became RUNNING or STOPPED is what clients and the
 * control plane wait for, and goes at once; the steps in between (PENDING, STOPPING, a container's exit or health while
 * others run) may wait a moment to travel with the next change, so that a start or a stop is not slowed by syncs of
 * its own steps on a busy host.
 */
@FunctionalInterface
public interface TaskChangeListener
{
    /** awaited: the task became RUNNING or STOPPED; false: a step in between, which may wait briefly to be reported. */
    void changed(boolean awaited);

    /** A listener that reports every change at once. */
    static TaskChangeListener always(Runnable onEveryChange)
    {
        requireNonNull(onEveryChange, "onEveryChange is null");
        return awaited -> onEveryChange.run();
    }
}
