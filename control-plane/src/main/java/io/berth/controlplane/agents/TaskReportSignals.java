package io.berth.controlplane.agents;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Wakes whoever waits on a task (a follower of its log) when its host's report of it is recorded on this replica, so
 * that `berth run` learns of its container's exit as the report lands rather than at its next look. Only tasks
 * someone watches are kept; a report recorded on another replica wakes nobody here, and the watcher's own look
 * interval covers it.
 */
public final class TaskReportSignals
{
    private final ConcurrentMap<String, Signal> signals = new ConcurrentHashMap<>();

    /** Called once a host's reports of these tasks are committed. */
    public void reported(Collection<String> taskIds)
    {
        if (signals.isEmpty()) {
            return;
        }
        for (String taskId : taskIds) {
            Signal signal = signals.get(taskId);
            if (signal != null) {
                signal.raise();
            }
        }
    }

    /** Watches a task from now on: a report recorded after this call wakes the watch's next wait. Close it when done. */
    public Watch watch(String taskId)
    {
        requireNonNull(taskId, "taskId is null");
        Signal signal = signals.compute(taskId, (id, existing) -> {
            Signal kept = existing == null ? new Signal() : existing;
            kept.watchers++;
            return kept;
        });
        return new Watch(taskId, signal);
    }

    int watchedTasks()
    {
        return signals.size();
    }

    public final class Watch
            implements AutoCloseable
    {
        private final String taskId;
        private final Signal signal;
        private long seen;

        private Watch(String taskId, Signal signal)
        {
            this.taskId = taskId;
            this.signal = signal;
            this.seen = signal.count();
        }

        /** Returns once a report came since the watch began or last returned (true), or after timeout (false). */
        public boolean await(Duration timeout)
                throws InterruptedException
        {
            long before = seen;
            seen = signal.awaitBeyond(seen, timeout);
            return seen != before;
        }

        @Override
        public void close()
        {
            signals.computeIfPresent(taskId, (id, kept) -> --kept.watchers == 0 ? null : kept);
        }
    }

    private static final class Signal
    {
        /** Changed only inside the map's compute for this task, which runs one at a time. */
        private int watchers;
        private long count;

        synchronized void raise()
        {
            count++;
            notifyAll();
        }

        synchronized long count()
        {
            return count;
        }

        synchronized long awaitBeyond(long seen, Duration timeout)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return count;
        }
    }
}
