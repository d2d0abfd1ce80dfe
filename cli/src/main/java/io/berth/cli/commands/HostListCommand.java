package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** berth host ls: every host with its capacity, allocation, tasks, state and last heartbeat (GET /berth/hosts). */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List hosts.")
public final class HostListCommand
        extends ControlPlaneCommand
{
    enum OutputFormat
    {
        table, json
    }

    private final Clock clock;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    public HostListCommand(BerthClientFactory clients, Clock clock)
    {
        super(clients);
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Integer call()
            throws JsonProcessingException
    {
        JsonNode response;
        try (BerthClient client = connect()) {
            response = client.admin("GET", "/berth/hosts", Map.of(), null);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(response.path("hosts")));
            out.flush();
            return 0;
        }
        List<JsonNode> hosts = new ArrayList<>();
        response.path("hosts").forEach(hosts::add);
        HostTable.print(out, hosts, clock.instant());
        return 0;
    }
}
