package io.berth.controlplane.logs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GetLogEvents token: a place between two events of a stream (after the event numbered sequence) and the direction
 * to read from it. "f/N" reads the events after N onward, "b/N" the events up to N backward; both are 56 digits,
 * as CloudWatch's tokens are. A read that returns events moves the tokens to the ends of what it returned; a read
 * that returns nothing hands back the token it was given, so a follower polls with the same token until
 * something new arrives.
 */
public record StreamPosition(long sequence, boolean forward)
{
    private static final Pattern TOKEN = Pattern.compile("([fb])/(\\d{1,56})");

    public StreamPosition
    {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence is negative: " + sequence);
        }
    }

    public static StreamPosition forwardFrom(long sequence)
    {
        return new StreamPosition(sequence, true);
    }

    public static StreamPosition backwardFrom(long sequence)
    {
        return new StreamPosition(sequence, false);
    }

    public static StreamPosition parse(String token)
    {
        Matcher matcher = TOKEN.matcher(token);
        if (!matcher.matches()) {
            throw LogsException.invalid("The specified nextToken is invalid.");
        }
        try {
            return new StreamPosition(Long.parseLong(matcher.group(2)), matcher.group(1).equals("f"));
        }
        catch (NumberFormatException e) {
            throw LogsException.invalid("The specified nextToken is invalid.");
        }
    }

    public String token()
    {
        return (forward ? "f/" : "b/") + "%056d".formatted(sequence);
    }
}
