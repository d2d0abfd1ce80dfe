package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;

import java.io.PrintWriter;
import java.util.Map;

/** Calls POST /berth/hosts/HOST/ACTION and prints the host's new state in one line. */
final class HostStateCommand
{
    private HostStateCommand() {}

    static JsonNode change(BerthClientFactory clients, ConnectionOptions connection, String hostId, String action, JsonNode body)
    {
        try (BerthClient client = clients.connect(connection.endpoint(), connection.region())) {
            return client.admin("POST", "/berth/hosts/" + BerthClient.pathSegment(hostId) + "/" + action, Map.of(), body == null ? io.berth.common.json.Json.mapper().createObjectNode() : body);
        }
    }

    static void print(PrintWriter out, JsonNode host, String what)
    {
        out.println("Host " + host.path("hostId").asText() + " " + what + " (state " + host.path("state").asText() + ", "
                + host.path("runningTasks").asInt() + " tasks)");
        out.flush();
    }
}
