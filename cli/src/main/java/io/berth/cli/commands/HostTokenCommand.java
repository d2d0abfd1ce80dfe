package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/**
 * berth host token: a join token for `berth agent --join URL --token TOKEN` (POST /berth/hosts/tokens); with
 * --revoke, revokes one (DELETE /berth/hosts/tokens/TOKEN).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a join token for hosts: `berth agent --join URL --token TOKEN`. Reusable by many hosts until it expires or is revoked "
                + "(--revoke). With TLS it ends with the pin (sha256:...) of the control plane's CA, which agents check before they send it.")
public final class HostTokenCommand
        extends ControlPlaneCommand
{
    @Option(names = "--expires-in", paramLabel = "DURATION", description = "How long the token works, e.g. 1h or 7d (default: until the operator replaces the store).")
    String expiresIn;

    @Option(names = "--revoke", paramLabel = "TOKEN",
            description = "Revoke this join token (whole, or its id: the part before the first dot) instead of printing a new one; hosts that joined with it keep their credentials (remove them with `berth host rm`).")
    String revoke;

    public HostTokenCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        if (revoke != null) {
            if (expiresIn != null) {
                throw new ParameterException(spec.commandLine(), "--revoke and --expires-in exclude each other");
            }
            JsonNode revoked;
            try (BerthClient client = connect()) {
                revoked = client.admin("DELETE", "/berth/hosts/tokens/" + BerthClient.pathSegment(revoke.strip()), Map.of(), null);
            }
            spec.commandLine().getOut().println("Join token " + revoked.path("tokenId").asText() + " revoked: hosts can no longer join with it");
            spec.commandLine().getOut().flush();
            return 0;
        }
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
