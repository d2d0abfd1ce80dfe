package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;

/**
 * berth host rotate-call-key [--grace DURATION] (POST /berth/control-plane/agent-call-key/rotate): the control plane
 * signs its calls to agents with a new key; every agent learns it at a sync (woken at once) and takes calls signed by
 * the old key for the grace, then refuses them. Under `host` beside `host rotate`: it is the credential the control
 * plane proves itself to hosts with, as a host secret is the one a host proves itself with.
 */
@Command(name = "rotate-call-key", mixinStandardHelpOptions = true,
        description = "Rotate the key the control plane signs its calls to agents with (logs, patch and upgrade commands). The new key is written to "
                + "the control plane's DIR/tls, which replicas sharing it read within a second; agents take calls signed by the old key for "
                + "--grace (default 10m), then refuse them. Replicas whose DIR/tls is a copy must get the new agent-call.key and "
                + "agent-call.previous within the grace.")
public final class HostRotateCallKeyCommand
        extends ControlPlaneCommand
{
    @Option(names = "--grace", paramLabel = "DURATION", description = "How long agents still take calls signed by the old key, e.g. 30s, 10m (default 10m).")
    String grace;

    public HostRotateCallKeyCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        ObjectNode request = Json.mapper().createObjectNode();
        Durations.putGraceSeconds(spec.commandLine(), grace, request);
        JsonNode answer;
        try (BerthClient client = connect()) {
            answer = client.admin("POST", "/berth/control-plane/agent-call-key/rotate", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Agent-call key rotated: the control plane signs with " + answer.path("agentCallKey").asText());
        out.println("Agents take calls signed by the old key " + answer.path("previousAgentCallKey").asText() + " until "
                + Instant.ofEpochSecond(answer.path("previousValidUntil").asLong()));
        out.flush();
        return 0;
    }
}
