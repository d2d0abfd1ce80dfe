package io.berth.cli.daemon;

import io.berth.cli.commands.Interruptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A daemon command's interrupts: the client's Ctrl-C (or its hang-up) runs what the command registered (berth run
 * stops its task, as its shutdown hook does in a JVM of its own), then cuts its output and interrupts its thread.
 */
final class SessionInterruptions
        implements Interruptions
{
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private static final int RUNNING = 0;
    private static final int INTERRUPTED = 1;
    private static final int FINISHED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Thread commandThread;
    private final Runnable detachOutput;

    SessionInterruptions(Thread commandThread, Runnable detachOutput)
    {
        this.commandThread = commandThread;
        this.detachOutput = detachOutput;
    }

    @Override
    public Registration onInterrupt(Runnable action)
    {
        actions.add(action);
        return () -> actions.remove(action);
    }

    /** Once, and only while the command runs: the registered actions, then no more output, then the command's thread interrupted. */
    void interrupt()
    {
        if (!state.compareAndSet(RUNNING, INTERRUPTED)) {
            return;
        }
        for (Runnable action : actions) {
            try {
                action.run();
            }
            catch (RuntimeException e) {
                // an undo that fails says so itself (berth run prints why it could not stop the task); go on
            }
        }
        detachOutput.run();
        commandThread.interrupt();
    }

    /** The command ended: an interrupt from now on does nothing. False when it was interrupted first. */
    boolean finish()
    {
        return state.compareAndSet(RUNNING, FINISHED);
    }
}
