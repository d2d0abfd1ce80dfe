package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/** berth host token: a join token for `berth agent --join URL --token TOKEN` (POST /berth/hosts/tokens). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a join token for hosts: `berth agent --join URL --token TOKEN`. Reusable by many hosts until it expires.")
public final class HostTokenCommand
        implements Callable<Integer>
{
    private final BerthClientFactory clients;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--expires-in", paramLabel = "DURATION", description = "How long the token works, e.g. 1h or 7d (default: until the operator replaces the store).")
    String expiresIn;

    public HostTokenCommand()
    {
        this(BerthClientFactory.fromEnvironment());
    }

    public HostTokenCommand(BerthClientFactory clients)
    {
        this.clients = requireNonNull(clients, "clients is null");
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
        try (BerthClient client = clients.connect(connection.endpoint(), connection.region())) {
            answer = client.admin("POST", "/berth/hosts/tokens", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        // the token alone on stdout, so that TOKEN=$(berth host token) works
        out.println(answer.path("token").asText());
        out.flush();
        return 0;
    }
}
