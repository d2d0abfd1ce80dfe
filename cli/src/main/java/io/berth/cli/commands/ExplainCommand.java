package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** berth explain TASK: where a task went, or why the scheduler has no host for it, host by host (operator only). */
@Command(name = "explain", mixinStandardHelpOptions = true, description = "Show where a task was placed, or why it is still waiting for a host (operator only).")
public final class ExplainCommand
        extends ControlPlaneCommand
{
    enum OutputFormat
    {
        text, json
    }

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    @Parameters(index = "0", paramLabel = "TASK", description = "Task id or ARN")
    String task;

    public ExplainCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws JsonProcessingException
    {
        JsonNode placement;
        try (BerthClient client = connect()) {
            placement = client.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(TaskReference.idOf(task)) + "/placement", Map.of(), null);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(placement));
            out.flush();
            return 0;
        }
        out.println("Task:     " + placement.path("taskId").asText() + " (" + placement.path("lastStatus").asText() + ")");
        if (placement.hasNonNull("hostId")) {
            out.println("Host:     " + placement.path("hostId").asText());
        }
        List<String> strategies = new ArrayList<>();
        placement.path("placementStrategy").forEach(strategy -> strategies.add(strategy.path("type").asText()
                + (strategy.hasNonNull("field") ? "(" + strategy.path("field").asText() + ")" : "")));
        out.println("Strategy: " + (strategies.isEmpty() ? "default: spread(attribute:ecs.availability-zone), binpack(memory)" : String.join(", ", strategies)));
        placement.path("placementConstraints").forEach(constraint -> out.println("Constraint: " + constraint.path("type").asText()
                + (constraint.hasNonNull("expression") ? " " + constraint.path("expression").asText() : "")));
        JsonNode failure = placement.path("latestFailure");
        if (!failure.isMissingNode()) {
            out.println("Waiting:  " + failure.path("message").asText());
            TablePrinter table = new TablePrinter(List.of("HOST ID", "REJECTED BECAUSE"));
            failure.path("hosts").forEach(host -> table.addRow(List.of(host.path("hostId").asText(), host.path("reason").asText())));
            table.print(out);
        }
        else if (placement.hasNonNull("stoppedReason")) {
            out.println("Stopped:  " + placement.path("stoppedReason").asText());
        }
        out.flush();
        return 0;
    }
}
