package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.events.ClusterEvent;
import io.berth.controlplane.events.EventLog;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * GET /berth/events?after=ID&limit=N: the control plane's decisions, oldest first. Without after, the newest limit
 * events; with it, the first limit events after that id (a follower passes the lastEventId of the previous answer).
 * The operator sees every event; an account sees those about its own tasks and services. Answer:
 * {"events": [{eventId, time, type, accountId?, resource, hostId?, message}], "lastEventId": N}; times are epoch seconds.
 */
public final class EventsEndpoint
        implements AdminEndpoint
{
    public static final int DEFAULT_LIMIT = 100;
    private static final Set<String> PARAMETERS = Set.of("after", "limit");

    private final EventLog events;

    public EventsEndpoint(EventLog events)
    {
        this.events = requireNonNull(events, "events is null");
    }

    @Override
    public String method()
    {
        return "GET";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/events";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw EcsException.invalidParameter("GET /berth/events takes after and limit, not " + name + ".");
            }
        }
        int limit = (int) number(query, "limit", DEFAULT_LIMIT, 1, EventLog.MAX_PAGE);
        String after = query.get("after");
        long afterId = after == null ? -1 : number(query, "after", 0, 0, Long.MAX_VALUE);
        List<ClusterEvent> page = afterId < 0 ? events.latest(context.account(), limit) : events.after(context.account(), afterId, limit);
        ObjectNode response = JsonFields.object();
        ArrayNode array = response.putArray("events");
        page.forEach(event -> array.add(toJson(event)));
        long last = page.isEmpty() ? Math.max(afterId, 0) : page.getLast().eventId();
        response.put("lastEventId", last);
        return response;
    }

    private static long number(Map<String, String> query, String name, long otherwise, long min, long max)
    {
        String value = query.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        }
        catch (NumberFormatException e) {
            // refused below with the range
        }
        throw EcsException.invalidParameter(name + " must be a whole number from " + min + " to " + max + ", got '" + value + "'.");
    }

    static ObjectNode toJson(ClusterEvent event)
    {
        ObjectNode node = JsonFields.object();
        node.put("eventId", event.eventId());
        JsonFields.putTime(node, "time", event.occurredAt());
        node.put("type", event.type().name());
        JsonFields.putIfNotNull(node, "accountId", event.accountId());
        node.put("resource", event.resource());
        JsonFields.putIfNotNull(node, "hostId", event.hostId());
        node.put("message", event.message());
        return node;
    }
}
