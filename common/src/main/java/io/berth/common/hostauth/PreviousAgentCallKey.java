package io.berth.common.hostauth;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The agent-call key the control plane rotated away from, and until when agents still take calls signed by it: what
 * the header {@value AgentCallKeys#PREVIOUS_SYNC_HEADER} of a sync answer carries, as {@code <key>; until=<epoch seconds>}.
 * The grace lets calls already signed (and replicas that have not yet read the new key) go on working while every
 * agent learns the new key.
 */
public record PreviousAgentCallKey(String key, Instant validUntil)
{
    public PreviousAgentCallKey
    {
        requireNonNull(key, "key is null");
        requireNonNull(validUntil, "validUntil is null");
        key = key.strip();
        validUntil = Instant.ofEpochSecond(validUntil.getEpochSecond());
    }

    /** Whether calls signed by the key are still taken at now. */
    public boolean validAt(Instant now)
    {
        return now.isBefore(validUntil);
    }

    public String headerValue()
    {
        return key + "; until=" + validUntil.getEpochSecond();
    }

    /** The header's value read back; IllegalArgumentException when it is not {@code <key>; until=<epoch seconds>} with a valid key. */
    public static PreviousAgentCallKey parse(String value)
    {
        requireNonNull(value, "value is null");
        int separator = value.indexOf(';');
        String until = separator < 0 ? "" : value.substring(separator + 1).strip();
        if (separator < 0 || !until.startsWith("until=")) {
            throw new IllegalArgumentException("a previous agent-call key is '<key>; until=<epoch seconds>', got '" + value + "'");
        }
        String key = value.substring(0, separator).strip();
        AgentCallKeys.decode(key);
        try {
            return new PreviousAgentCallKey(key, Instant.ofEpochSecond(Long.parseLong(until.substring("until=".length()).strip())));
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("the until of a previous agent-call key is epoch seconds, got '" + until + "'", e);
        }
    }
}
