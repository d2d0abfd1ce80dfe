package io.berth.controlplane.logs;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One stored event: its place in its stream, the time it happened, the time it was stored, and its message. */
public record LogEvent(String streamName, long streamKey, long sequence, Instant timestamp, Instant ingestionTime, String message)
{
    public LogEvent
    {
        requireNonNull(streamName, "streamName is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(ingestionTime, "ingestionTime is null");
        requireNonNull(message, "message is null");
    }

    /** An id unique within the group, 56 digits as CloudWatch's are: the stream's key, then the sequence. */
    public String eventId()
    {
        return "%020d%036d".formatted(streamKey, sequence);
    }
}
