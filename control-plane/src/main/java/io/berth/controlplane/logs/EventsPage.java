package io.berth.controlplane.logs;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Events of one stream in the order they arrived, with the positions to read on forward and backward from. */
public record EventsPage(List<LogEvent> events, StreamPosition nextForward, StreamPosition nextBackward)
{
    public EventsPage
    {
        events = List.copyOf(events);
        requireNonNull(nextForward, "nextForward is null");
        requireNonNull(nextBackward, "nextBackward is null");
    }

    /**
     * The page a read from position returned: tokens at the ends of the events, or, when there are none, the
     * position read from in both directions (a forward reader gets its own token back).
     */
    static EventsPage of(List<LogEvent> events, long emptyAt)
    {
        if (events.isEmpty()) {
            return new EventsPage(events, StreamPosition.forwardFrom(emptyAt), StreamPosition.backwardFrom(emptyAt));
        }
        return new EventsPage(events, StreamPosition.forwardFrom(events.getLast().sequence()), StreamPosition.backwardFrom(events.getFirst().sequence() - 1));
    }
}
