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
    private volatile Instant now;

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
