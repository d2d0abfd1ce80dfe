package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** Prints hosts as returned by /berth/hosts: one row each, capacity as allocated/capacity, the task subnet empty until the host's first sync. */
final class HostTable
{
    private HostTable() {}

    static void print(PrintWriter out, List<JsonNode> hosts, Instant now)
    {
        TablePrinter table = new TablePrinter(List.of("HOST ID", "ADDRESS", "SUBNET", "STATE", "CPU", "MEMORY (MiB)", "TASKS", "ISOLATION", "VERSION", "LAST HEARTBEAT"));
        for (JsonNode host : hosts) {
            String state = host.path("state").asText();
            if (host.hasNonNull("drainDeadline")) {
                state += " (until " + Instant.ofEpochMilli((long) (host.path("drainDeadline").asDouble() * 1000)) + ")";
            }
            table.addRow(List.of(
                    host.path("hostId").asText(),
                    host.path("address").asText(""),
                    host.path("taskSubnet").asText(""),
                    state,
                    host.path("cpu").path("allocated").asLong() + "/" + host.path("cpu").path("capacity").asLong(),
                    host.path("memory").path("allocated").asLong() + "/" + host.path("memory").path("capacity").asLong(),
                    host.path("runningTasks").asText("0"),
                    isolationTiers(host),
                    host.path("agentVersion").asText("-"),
                    host.hasNonNull("lastHeartbeat") ? AgeFormat.ago(Instant.ofEpochMilli((long) (host.path("lastHeartbeat").asDouble() * 1000)), now) : ""));
        }
        table.print(out);
    }

    private static String isolationTiers(JsonNode host)
    {
        List<String> tiers = new java.util.ArrayList<>();
        host.path("isolationTiers").forEach(tier -> tiers.add(tier.asText()));
        return String.join(",", tiers);
    }
}
