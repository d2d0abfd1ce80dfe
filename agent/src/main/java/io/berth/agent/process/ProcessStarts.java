package io.berth.agent.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts host processes on platform threads of their own. The JDK starts a process with vfork (posix_spawn): the
 * starting thread waits in the kernel until the child has exec'd, and a virtual thread waits there on its carrier,
 * of which there are as many as cores. In a burst of task starts on a busy host that wait was most of the carriers'
 * time (measured: 4.7 of 16 carrier-seconds in a burst of 50 on two cores), and every other virtual thread of the
 * agent waited with them. Here the virtual thread parks while a platform thread waits for the kernel.
 */
public final class ProcessStarts
{
    /** Enough starts in flight to keep a host's cores busy with the children, not with waiting for them. */
    private static final int STARTERS = 8;
    private static final ThreadPoolExecutor STARTING = starting();

    private ProcessStarts() {}

    /** As {@link ProcessBuilder#start()}; on a virtual thread, the start happens on a platform thread. */
    public static Process start(ProcessBuilder builder)
            throws IOException
    {
        if (!Thread.currentThread().isVirtual()) {
            return builder.start();
        }
        CompletableFuture<Process> started = CompletableFuture.supplyAsync(() -> {
            try {
                return builder.start();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, STARTING);
        try {
            return started.get();
        }
        catch (InterruptedException e) {
            // the caller gives up: a process started after all must not outlive it
            started.thenAccept(Process::destroyForcibly);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting " + builder.command().getFirst());
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException wrapped ? wrapped.getCause() : e.getCause();
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (cause instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw new IOException("cannot start " + builder.command().getFirst() + ": " + cause, cause);
        }
    }

    private static ThreadPoolExecutor starting()
    {
        // the threads go when idle: an idle agent keeps none
        ThreadPoolExecutor executor = new ThreadPoolExecutor(STARTERS, STARTERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("process-start-", 0).daemon().factory());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
