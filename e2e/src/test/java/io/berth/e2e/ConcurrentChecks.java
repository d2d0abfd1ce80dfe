package io.berth.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Independent checks run at once on a bounded pool, for probes that mostly wait (a packet that must not arrive
 * takes its whole deadline to prove so): each check keeps its own deadline, all of them run to their end, and every
 * failure is reported, not only the first. Checks must not depend on each other's effects.
 */
final class ConcurrentChecks
{
    /** A check: returns normally when it holds, throws (an AssertionError, typically) when it does not. */
    @FunctionalInterface
    interface Check
    {
        void run()
                throws Exception;
    }

    private record Named(String description, Check check) {}

    private final List<Named> checks = new ArrayList<>();

    ConcurrentChecks add(String description, Check check)
    {
        checks.add(new Named(requireNonNull(description, "description is null"), requireNonNull(check, "check is null")));
        return this;
    }

    /**
     * Runs every check, at most parallelism at a time, and waits up to deadline for all of them; throws an
     * AssertionError naming each check that failed or did not end in time.
     */
    void runAll(int parallelism, Duration deadline)
            throws InterruptedException
    {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        List<Callable<Void>> calls = new ArrayList<>();
        for (Named named : checks) {
            calls.add(() -> {
                named.check().run();
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, checks.size())), Thread.ofPlatform().name("check-", 0).daemon().factory());
        List<Future<Void>> results;
        try {
            results = pool.invokeAll(calls, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        finally {
            pool.shutdownNow();
        }
        List<String> failed = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            try {
                results.get(i).get();
                continue;
            }
            catch (CancellationException e) {
                causes.add(new AssertionError("did not end within " + deadline.toSeconds() + " s"));
            }
            catch (ExecutionException e) {
                causes.add(e.getCause());
            }
            failed.add(checks.get(i).description() + ": " + causes.getLast());
        }
        if (!causes.isEmpty()) {
            AssertionError reported = new AssertionError(failed.size() + " of " + checks.size() + " checks failed:\n" + String.join("\n", failed), causes.getFirst());
            causes.subList(1, causes.size()).forEach(reported::addSuppressed);
            throw reported;
        }
    }
}
