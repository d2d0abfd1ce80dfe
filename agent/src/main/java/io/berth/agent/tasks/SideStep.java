package io.berth.agent.tasks;

import java.util.concurrent.CompletableFuture;

/**
 * A step of a task's set-up or cleanup run on a virtual thread of its own, beside the caller's: the steps that do
 * not depend on each other (network, storage, image resolution) then take as long as the slowest, not their sum.
 */
@FunctionalInterface
interface SideStep<T>
{
    T run()
            throws Exception;

    /** Starts the step; the future holds its result or what it threw. */
    static <T> CompletableFuture<T> start(String name, SideStep<T> step)
    {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                result.complete(step.run());
            }
            catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
