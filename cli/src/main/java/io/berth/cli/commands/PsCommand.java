package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** berth ps: the account's tasks as a table (or JSON), newest first. */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List tasks (running ones, or all with -a).")
public final class PsCommand
        extends ControlPlaneCommand
{
    enum OutputFormat
    {
        table, json
    }

    private final Clock clock;

    @Option(names = {"-a", "--all"}, description = "Include stopped tasks")
    boolean all;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    @Option(names = "--cluster", description = "Cluster (default: the default cluster)")
    String cluster;

    public PsCommand(BerthClientFactory clients, Clock clock)
    {
        super(clients);
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Integer call()
            throws JsonProcessingException
    {
        Optional<String> clusterName = Optional.ofNullable(cluster);
        List<JsonNode> tasks;
        try (BerthClient client = connect()) {
            Set<String> arns = new LinkedHashSet<>(TaskDescriptions.list(client, clusterName, "RUNNING"));
            if (all) {
                arns.addAll(TaskDescriptions.list(client, clusterName, "STOPPED"));
            }
            tasks = new ArrayList<>(TaskDescriptions.describe(client, clusterName, List.copyOf(arns)));
        }
        tasks.sort(Comparator.comparing((JsonNode task) -> TaskDescriptions.time(task, "createdAt").orElse(Instant.EPOCH)).reversed());

        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            ArrayNode array = Json.mapper().createArrayNode();
            array.addAll(tasks);
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(array));
            out.flush();
            return 0;
        }
        Instant now = clock.instant();
        TablePrinter table = new TablePrinter(List.of("TASK", "IMAGE", "STATUS", "EXIT", "CREATED", "FAMILY"));
        for (JsonNode task : tasks) {
            Optional<JsonNode> container = TaskDescriptions.container(task, Optional.empty());
            table.addRow(List.of(
                    TaskReference.shortId(task.path("taskArn").asText()),
                    container.map(value -> value.path("image").asText("")).orElse(""),
                    task.path("lastStatus").asText(""),
                    container.filter(value -> value.path("exitCode").isNumber()).map(value -> value.path("exitCode").asText()).orElse(""),
                    TaskDescriptions.time(task, "createdAt").map(created -> AgeFormat.ago(created, now)).orElse(""),
                    TaskDescriptions.family(task)));
        }
        table.print(out);
        return 0;
    }
}
