package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * berth host rotate HOST...|--all [--grace DURATION] (POST /berth/hosts/credentials/rotate): each host's agent takes a
 * new secret (and a new endpoint certificate) at once; its old secret stays good for the grace, then is refused.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Rotate host credentials: each agent takes a new secret (and endpoint certificate) over its authenticated channel at once; "
                + "its tasks are not touched. The old secret stays good for --grace (default 10m), then is refused.")
public final class HostRotateCommand
        extends ControlPlaneCommand
{
    @Parameters(arity = "0..*", paramLabel = "HOST", description = "Host ids (see `berth host ls`)")
    List<String> hostIds = new ArrayList<>();

    @Option(names = "--all", description = "Rotate the credential of every host.")
    boolean all;

    @Option(names = "--grace", paramLabel = "DURATION", description = "How long the old secret stays good once the agent took the new one, e.g. 30s, 10m (default 10m).")
    String grace;

    public HostRotateCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        if (all == !hostIds.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "name the hosts to rotate, or give --all");
        }
        ObjectNode request = Json.mapper().createObjectNode();
        if (all) {
            request.put("all", true);
        }
        else {
            hostIds.forEach(request.putArray("hostIds")::add);
        }
        Durations.putGraceSeconds(spec.commandLine(), grace, request);
        JsonNode answer;
        try (BerthClient client = connect()) {
            answer = client.admin("POST", "/berth/hosts/credentials/rotate", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> asked = new ArrayList<>();
        answer.path("hostIds").forEach(hostId -> asked.add(hostId.asText()));
        if (asked.isEmpty()) {
            out.println("No host has a credential to rotate");
        }
        for (String hostId : asked) {
            out.println("Host " + hostId + ": rotating; its old secret stays good for " + answer.path("graceSeconds").asLong() + " s after its agent takes the new one");
        }
        out.flush();
        return 0;
    }
}
