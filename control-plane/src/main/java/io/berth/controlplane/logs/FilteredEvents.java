package io.berth.controlplane.logs;

import java.util.List;

/** Events of a group that matched a filter, in time order, and where to read on (null when everything was read). */
public record FilteredEvents(List<LogEvent> events, FilterPosition next)
{
    public FilteredEvents
    {
        events = List.copyOf(events);
    }
}
