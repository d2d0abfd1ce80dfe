package io.berth.controlplane.hosts;

/** A host still holds tasks that are not STOPPED, and the operator did not force its removal. */
public final class HostHasTasksException
        extends RuntimeException
{
    private final int tasks;

    public HostHasTasksException(String hostId, int tasks)
    {
        super("Host " + hostId + " still holds " + tasks + (tasks == 1 ? " task that is" : " tasks that are") + " not STOPPED: drain it first"
                + " (`berth host drain " + hostId + "`), or remove it with --force to record its tasks STOPPED.");
        this.tasks = tasks;
    }

    public int tasks()
    {
        return tasks;
    }
}
