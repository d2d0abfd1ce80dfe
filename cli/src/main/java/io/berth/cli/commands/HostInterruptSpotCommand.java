package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/**
 * berth host interrupt-spot HOST (POST /berth/hosts/HOST/interrupt-spot): takes the host's spot capacity back, as Fargate
 * does; its FARGATE_SPOT tasks stop with stopCode SpotInterruption (SIGTERM, then SIGKILL after their stopTimeout).
 */
@Command(name = "interrupt-spot", mixinStandardHelpOptions = true,
        description = "Interrupt the FARGATE_SPOT tasks on a host (stopCode SpotInterruption: SIGTERM, then SIGKILL after the stopTimeout); on-demand tasks stay.")
public final class HostInterruptSpotCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id (see `berth host ls`)")
    String hostId;

    public HostInterruptSpotCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        JsonNode response;
        try (BerthClient client = connect()) {
            response = client.admin("POST", "/berth/hosts/" + BerthClient.pathSegment(hostId) + "/interrupt-spot", Map.of(), Json.mapper().createObjectNode());
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode tasks = response.path("interruptedTasks");
        out.println("Host " + hostId + ": " + tasks.size() + " spot task" + (tasks.size() == 1 ? "" : "s") + " interrupted");
        tasks.forEach(task -> out.println("  " + task.asText()));
        out.flush();
        return 0;
    }
}
