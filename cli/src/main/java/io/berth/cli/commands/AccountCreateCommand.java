package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
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

/** berth account create: a new account and its first access key (POST /berth/accounts). */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account and print its access key.")
public final class AccountCreateCommand
        extends ControlPlaneCommand
{
    enum OutputFormat
    {
        text, json
    }

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    @Parameters(index = "0", paramLabel = "NAME", description = "Account name")
    String name;

    @Option(names = "--isolation", paramLabel = "TIER", description = "The least isolation tier of the account's tasks: container (runc, the default) or sandbox (gVisor).")
    String isolation;

    public AccountCreateCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws JsonProcessingException
    {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("name", name);
        if (isolation != null) {
            request.put("isolation", isolation);
        }
        JsonNode account;
        try (BerthClient client = connect()) {
            account = client.admin("POST", "/berth/accounts", Map.of(), request);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(account));
        }
        else {
            out.println("Account ID:         " + account.path("accountId").asText());
            out.println("Name:               " + account.path("name").asText());
            out.println("Isolation:          " + account.path("isolation").asText());
            out.println("Access key ID:      " + account.path("accessKeyId").asText());
            out.println("Secret access key:  " + account.path("secretAccessKey").asText());
            out.println();
            out.println("Use it with:");
            out.println("  export AWS_ACCESS_KEY_ID=" + account.path("accessKeyId").asText());
            out.println("  export AWS_SECRET_ACCESS_KEY=" + account.path("secretAccessKey").asText());
        }
        out.flush();
        return 0;
    }
}
