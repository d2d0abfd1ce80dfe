package io.berth.agent.images;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How long a registry may take: to accept the connection, to send a response's headers, between two bytes of a
 * body (stall), and for a whole body. The whole-body deadline grows with the blob's size, at
 * {@code minimumBytesPerSecond}, so a large layer on a slow but moving link is not cut off while a stalled one is.
 */
public record RegistryDeadlines(Duration connect, Duration headers, Duration stall, Duration total, long minimumBytesPerSecond)
{
    public static final RegistryDeadlines DEFAULTS = new RegistryDeadlines(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(30), 1L << 20);

    public RegistryDeadlines
    {
        requireNonNull(connect, "connect is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(stall, "stall is null");
        requireNonNull(total, "total is null");
        if (connect.isNegative() || connect.isZero() || headers.isNegative() || headers.isZero() || stall.isNegative() || stall.isZero() || total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("registry deadlines must be positive");
        }
        if (minimumBytesPerSecond <= 0) {
            throw new IllegalArgumentException("minimumBytesPerSecond must be positive");
        }
    }

    /** The whole-body deadline for {@code size} bytes (unknown: -1): the total deadline, or longer for a blob too large to arrive in it at the minimum rate. */
    public Duration totalFor(long size)
    {
        if (size <= 0) {
            return total;
        }
        Duration atMinimumRate = Duration.ofSeconds(size / minimumBytesPerSecond + 1);
        return atMinimumRate.compareTo(total) > 0 ? atMinimumRate : total;
    }
}
