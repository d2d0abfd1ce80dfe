package io.berth.benchmarks;

import java.util.ArrayDeque;
import java.util.Deque;

import static java.util.Objects.requireNonNull;

/**
 * Everything the benchmark started, undone in reverse order exactly once: when the run ends, fails, or the
 * JVM is asked to exit (Ctrl-C), so no container, registry, mount, cgroup or temporary directory is left.
 */
final class CleanupStack
        implements AutoCloseable
{
    interface Step
    {
        void run()
                throws Exception;
    }

    private record NamedStep(String name, Step step) {}

    private static final long OWNER_GRACE_MILLIS = 30_000;

    private final Deque<NamedStep> steps = new ArrayDeque<>();
    private final Thread owner;
    private final Thread shutdownHook = new Thread(this::onShutdown, "benchmark-cleanup");
    private volatile boolean shuttingDown;

    /** The calling thread is the one that runs the benchmark: on shutdown it is interrupted and given time to stop. */
    CleanupStack()
    {
        this.owner = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** True once the JVM is exiting on a signal: the owner must then return without calling System.exit. */
    boolean shuttingDown()
    {
        return shuttingDown;
    }

    private void onShutdown()
    {
        shuttingDown = true;
        // stop the benchmark first, so it does not start a container after its cleanup ran
        owner.interrupt();
        try {
            owner.join(OWNER_GRACE_MILLIS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runAll();
    }

    synchronized void push(String name, Step step)
    {
        steps.push(new NamedStep(requireNonNull(name, "name is null"), requireNonNull(step, "step is null")));
    }

    private synchronized void runAll()
    {
        // an interrupt (the shutdown hook's, to stop the benchmark) must not cut the cleanup's own waits short
        boolean interrupted = Thread.interrupted();
        while (!steps.isEmpty()) {
            NamedStep next = steps.pop();
            try {
                next.step().run();
            }
            catch (Exception | LinkageError e) {
                System.err.println("bench: cleanup of " + next.name() + " failed: " + e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        runAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (IllegalStateException e) {
            // the JVM is already shutting down, and the hook has run or is running
        }
    }
}
