package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClientException;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** berth stop: StopTask for each task named; prints each stopped task's id, goes on past failures. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop one or more tasks.")
public final class StopCommand
        extends ControlPlaneCommand
{
    @Option(names = "--cluster", description = "Cluster (default: from the ARN, else the default cluster)")
    String cluster;

    @Option(names = "--reason", defaultValue = "Stopped by the user (berth stop)", description = "Reason recorded on the task")
    String reason;

    @Parameters(arity = "1..*", paramLabel = "TASK", description = "Task ids or ARNs")
    List<String> tasks;

    public StopCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (BerthClient client = connect()) {
            for (String task : tasks) {
                TaskReference reference = TaskReference.parse(task);
                Optional<String> clusterName = Optional.ofNullable(cluster).or(reference::cluster);
                try {
                    String resolved = TaskResolver.resolve(client, clusterName, reference, task);
                    ObjectNode request = Json.mapper().createObjectNode();
                    clusterName.ifPresent(value -> request.put("cluster", value));
                    request.put("task", resolved);
                    request.put("reason", reason);
                    client.ecs("StopTask", request);
                    out.println(TaskReference.idOf(resolved));
                }
                catch (BerthClientException e) {
                    err.println("berth: cannot stop " + task.strip() + ": " + e.getMessage());
                    failures++;
                }
                catch (CommandFailedException e) {
                    err.println("berth: " + e.getMessage());
                    failures++;
                }
            }
        }
        out.flush();
        err.flush();
        return failures == 0 ? 0 : 1;
    }
}
