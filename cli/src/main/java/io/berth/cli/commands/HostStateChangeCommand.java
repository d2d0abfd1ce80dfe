package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/** berth host cordon/uncordon/drain HOST: POST /berth/hosts/HOST/ACTION, then the host's new state in one line. */
abstract class HostStateChangeCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id (see `berth host ls`)")
    String hostId;

    HostStateChangeCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    /** Applies the action to the host and prints "Host HOST WHAT (state STATE, N tasks)"; returns the exit code. */
    int changeState(String action, ObjectNode body, String what)
    {
        JsonNode host;
        try (BerthClient client = connect()) {
            host = client.admin("POST", "/berth/hosts/" + BerthClient.pathSegment(hostId) + "/" + action, Map.of(), body);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Host " + host.path("hostId").asText() + " " + what + " (state " + host.path("state").asText() + ", "
                + host.path("runningTasks").asInt() + " tasks)");
        out.flush();
        return 0;
    }
}
