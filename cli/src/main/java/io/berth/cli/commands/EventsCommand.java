package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * berth events: the control plane's decisions (GET /berth/events), one line each, oldest first: a task placed and
 * where, a task told to stop or stopped and why, a host cordoned, drained, lost or removed, a service's steps. The
 * operator sees every event, an account those about its own tasks and services. -f keeps printing new ones.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Show the control plane's decisions: placements, stops and why, host changes, service steps; -f follows new ones.")
public final class EventsCommand
        extends ControlPlaneCommand
{
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    enum OutputFormat
    {
        text, json
    }

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they happen (until interrupted)")
    boolean follow;

    @Option(names = {"-n", "--limit"}, defaultValue = "100", paramLabel = "N", description = "How many of the newest events to print first, 1 to 1000 (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = {"-o", "--output"}, defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES}; json prints one JSON object per line (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    public EventsCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws JsonProcessingException, InterruptedException
    {
        if (limit < 1 || limit > 1000) {
            throw new CommandFailedException("--limit must be 1 to 1000, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BerthClient client = connect()) {
            JsonNode page = client.admin("GET", "/berth/events", Map.of("limit", Integer.toString(limit)), null);
            long last = print(page, out);
            while (follow) {
                Thread.sleep(POLL_INTERVAL);
                Map<String, String> query = new LinkedHashMap<>();
                query.put("after", Long.toString(last));
                query.put("limit", "1000");
                last = print(client.admin("GET", "/berth/events", query, null), out);
            }
        }
        return 0;
    }

    /** Prints a page's events; returns the id to continue after. */
    private long print(JsonNode page, PrintWriter out)
            throws JsonProcessingException
    {
        for (JsonNode event : page.path("events")) {
            out.println(output == OutputFormat.json ? Json.mapper().writeValueAsString(event) : line(event));
        }
        out.flush();
        return page.path("lastEventId").asLong();
    }

    /** TIME  TYPE  RESOURCE  MESSAGE, the time in UTC to the millisecond. */
    static String line(JsonNode event)
    {
        BigDecimal seconds = event.path("time").decimalValue();
        Instant time = Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        return time + "  " + event.path("type").asText() + "  " + event.path("resource").asText() + "  " + event.path("message").asText();
    }
}
