package io.berth.controlplane.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** An event to store: when it happened and its message. */
public record InputLogEvent(Instant timestamp, String message)
{
    /** CloudWatch counts 26 bytes beside each message against the batch and event limits. */
    public static final int OVERHEAD_BYTES = 26;

    public InputLogEvent
    {
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(message, "message is null");
    }

    public int sizeBytes()
    {
        return message.getBytes(StandardCharsets.UTF_8).length;
    }
}
