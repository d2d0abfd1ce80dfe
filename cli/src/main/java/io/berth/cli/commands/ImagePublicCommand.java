package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/**
 * berth image public REPOSITORY [--private] (PUT /berth/repositories/public): the operator lets every account pull
 * a repository (only its owner pushes), or closes it again.
 */
@Command(name = "public", mixinStandardHelpOptions = true,
        description = "Let every account pull a repository of Berth's registry (operator only); --private closes it again.")
public final class ImagePublicCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "REPOSITORY", description = "ACCOUNT_ID/NAME, or the repository URI HOST:PORT/ACCOUNT_ID/NAME")
    String repository;

    @Option(names = "--private", description = "Make it private again: only its account pulls it.")
    boolean makePrivate;

    public ImagePublicCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("repository", repository);
        request.put("public", !makePrivate);
        JsonNode response;
        try (BerthClient client = connect()) {
            response = client.admin("PUT", "/berth/repositories/public", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Repository " + response.path("repository").asText() + ": "
                + (response.path("public").asBoolean() ? "public (every account may pull; only its owner pushes)" : "private (only its account)"));
        out.flush();
        return 0;
    }
}
