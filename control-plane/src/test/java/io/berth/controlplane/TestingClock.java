package io.berth.controlplane;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand. */
public final class TestingClock
        extends Clock
{
    private volatile Instant now;

    public TestingClock(Instant start)
    {
        this.now = start;
    }

    public TestingClock()
    {
        this(Instant.parse("2025-01-01T00:00:00.000Z"));
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
        throw new UnsupportedOperationException();
    }
}
