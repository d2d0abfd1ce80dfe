package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * berth account set-egress ACCOUNT --deny-all | --allow CIDR... | --allow-all
 * (PUT /berth/accounts/ACCOUNT/egress): where the account's tasks may send traffic outside the cluster.
 */
@Command(name = "set-egress", mixinStandardHelpOptions = true,
        description = "Limit where an account's tasks may send traffic outside the cluster (the metadata endpoint and the Berth API stay reachable).")
public final class AccountSetEgressCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id (12 digits)")
    String accountId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice
    {
        @Option(names = "--deny-all", required = true, description = "Block all egress.")
        boolean denyAll;

        @Option(names = "--allow", paramLabel = "CIDR", required = true, description = "Allow egress to this IPv4 network only; repeat for more.")
        List<String> allow = new ArrayList<>();

        @Option(names = "--allow-all", required = true, description = "Lift the restriction.")
        boolean allowAll;
    }

    public AccountSetEgressCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        ObjectNode request = Json.mapper().createObjectNode();
        if (choice.denyAll) {
            request.put("denyAll", true);
        }
        else if (choice.allowAll) {
            request.put("allowAll", true);
        }
        else {
            ArrayNode allow = request.putArray("allow");
            choice.allow.forEach(allow::add);
        }
        JsonNode response;
        try (BerthClient client = connect()) {
            response = client.admin("PUT", "/berth/accounts/" + BerthClient.pathSegment(accountId) + "/egress", Map.of(), request);
        }
        JsonNode egress = response.path("egress");
        String what;
        if (egress.path("denyAll").asBoolean()) {
            what = "all egress denied";
        }
        else if (egress.path("allowAll").asBoolean()) {
            what = "egress unrestricted";
        }
        else {
            List<String> cidrs = new ArrayList<>();
            egress.path("allow").forEach(cidr -> cidrs.add(cidr.asText()));
            what = "egress allowed to " + String.join(", ", cidrs) + " only";
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Account " + response.path("accountId").asText() + ": " + what);
        out.flush();
        return 0;
    }
}
