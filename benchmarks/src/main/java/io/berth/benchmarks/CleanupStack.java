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

    private final Deque<NamedStep> steps = new ArrayDeque<>();
    private final Thread shutdownHook = new Thread(this::runAll, "benchmark-cleanup");

    CleanupStack()
    {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    synchronized void push(String name, Step step)
    {
        steps.push(new NamedStep(requireNonNull(name, "name is null"), requireNonNull(step, "step is null")));
    }

    private synchronized void runAll()
    {
        while (!steps.isEmpty()) {
            NamedStep next = steps.pop();
            try {
                next.step().run();
            }
            catch (Exception | LinkageError e) {
                System.err.println("bench: cleanup of " + next.name() + " failed: " + e);
            }
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
