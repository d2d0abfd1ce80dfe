package io.berth.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static java.util.Objects.requireNonNull;

/** A UTC clock a test sets or moves by hand; safe to read from other threads. */
public final class ManualClock
        extends Clock
{
    private static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private volatile Instant now;

    /** At 2025-01-01T00:00:00Z, for a test that needs no particular time. */
    public ManualClock()
    {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start)
    {
        this.now = requireNonNull(start, "start is null");
    }

    public void set(Instant instant)
    {
        now = requireNonNull(instant, "instant is null");
    }

    public void advance(Duration duration)
    {
        now = now.plus(duration);
    }

    @Override
    public Instant instant()
    {
        return now;
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        return this;
    }
}
