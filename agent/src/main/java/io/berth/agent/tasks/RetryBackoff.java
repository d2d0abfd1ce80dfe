package io.berth.agent.tasks;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** How long to wait between tries of a step that failed: doubling from first, never more than max. */
record RetryBackoff(Duration first, Duration max)
{
    /** For a task's cleanup: soon after a passing failure, every 30 s for one that lasts. */
    static final RetryBackoff CLEANUP = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    RetryBackoff
    {
        requireNonNull(first, "first is null");
        requireNonNull(max, "max is null");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry backoff needs 0 < first <= max: " + first + ", " + max);
        }
    }

    Duration after(Duration previous)
    {
        Duration doubled = previous.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
