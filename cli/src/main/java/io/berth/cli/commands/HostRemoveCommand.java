package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/** berth host rm HOST [--force] (DELETE /berth/hosts/HOST): forgets a host, revokes its credential and frees its task subnet. */
@Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
        description = "Remove a host: its agent can no longer sync and its task subnet is freed. Refused while it holds tasks, unless --force.")
public final class HostRemoveCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id (see `berth host ls`)")
    String hostId;

    @Option(names = "--force", description = "Remove the host even though it holds tasks; they are recorded STOPPED.")
    boolean force;

    public HostRemoveCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        JsonNode removed;
        try (BerthClient client = connect()) {
            removed = client.admin("DELETE", "/berth/hosts/" + BerthClient.pathSegment(hostId), force ? Map.of("force", "true") : Map.of(), null);
        }
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder line = new StringBuilder("Host " + removed.path("hostId").asText() + " removed");
        if (removed.hasNonNull("taskSubnet")) {
            line.append(": task subnet ").append(removed.path("taskSubnet").asText()).append(" freed");
        }
        int stopped = removed.path("stoppedTasks").asInt();
        if (stopped > 0) {
            line.append(", ").append(stopped).append(stopped == 1 ? " task" : " tasks").append(" recorded STOPPED");
        }
        out.println(line);
        out.flush();
        return 0;
    }
}
