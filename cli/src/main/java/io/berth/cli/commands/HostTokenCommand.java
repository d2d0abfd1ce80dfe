package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** berth host token: a join token for `berth agent --join URL --token TOKEN` (POST /berth/hosts/tokens). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a join token for hosts: `berth agent --join URL --token TOKEN`. Reusable by many hosts until it expires.")
public final class HostTokenCommand
        extends ControlPlaneCommand
{
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "How long the token works, e.g. 1h or 7d (default: until the operator replaces the store).")
    String expiresIn;

    public HostTokenCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        ObjectNode request = Json.mapper().createObjectNode();
        if (expiresIn != null) {
            Duration validFor = Durations.parse(spec.commandLine(), expiresIn);
            request.put("expiresInSeconds", Math.max(1, validFor.toSeconds()));
        }
        JsonNode answer;
        try (BerthClient client = connect()) {
            answer = client.admin("POST", "/berth/hosts/tokens", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        // the token alone on stdout, so that TOKEN=$(berth host token) works
        out.println(answer.path("token").asText());
        out.flush();
        return 0;
    }
}
