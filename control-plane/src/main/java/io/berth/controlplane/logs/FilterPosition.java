package io.berth.controlplane.logs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * Where a FilterLogEvents read stopped in a group's events, ordered by time, stream name and sequence: the next
 * read goes on after the event at (time, stream, sequence). The token is opaque to clients.
 */
public record FilterPosition(long timeMillis, String streamName, long sequence)
{
    private static final String PREFIX = "berth-logs-filter:";

    public FilterPosition
    {
        requireNonNull(streamName, "streamName is null");
    }

    public static FilterPosition after(LogEvent event)
    {
        return new FilterPosition(event.timestamp().toEpochMilli(), event.streamName(), event.sequence());
    }

    public String token()
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + timeMillis + ":" + sequence + ":" + streamName).getBytes(StandardCharsets.UTF_8));
    }

    public static FilterPosition parse(String token)
    {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                String[] parts = decoded.substring(PREFIX.length()).split(":", 3);
                if (parts.length == 3) {
                    return new FilterPosition(Long.parseLong(parts[0]), parts[2], Long.parseLong(parts[1]));
                }
            }
        }
        catch (IllegalArgumentException e) {
            // reported below
        }
        throw LogsException.invalid("The specified nextToken is invalid.");
    }
}
