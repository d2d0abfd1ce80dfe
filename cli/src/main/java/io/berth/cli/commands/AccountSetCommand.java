package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * berth account set ACCOUNT [--max-vcpu N] [--max-tasks N] [--max-waiting N] [--rate RPS] [--isolation TIER]
 * (PUT /berth/accounts/ACCOUNT/limits, PUT /berth/accounts/ACCOUNT/isolation): the account's quotas, the ones not
 * given keeping their value, and its isolation tier.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set an account's quotas (0 for unlimited) and isolation tier; what is not given keeps its value, quotas never set follow the server's --default-* options.")
public final class AccountSetCommand
        extends ControlPlaneCommand
{
    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id (12 digits)")
    String accountId;

    @Option(names = "--max-vcpu", paramLabel = "N", description = "Most requested vCPU of the account's tasks not STOPPED, e.g. 16 or 0.5.")
    BigDecimal maxVcpu;

    @Option(names = "--max-tasks", paramLabel = "N", description = "Most tasks not STOPPED.")
    Long maxTasks;

    @Option(names = "--max-waiting", paramLabel = "N", description = "Most tasks waiting for a host (PROVISIONING).")
    Long maxWaiting;

    @Option(names = "--rate", paramLabel = "RPS", description = "API requests per second the account may sustain; past it calls get ThrottlingException.")
    BigDecimal rate;

    @Option(names = "--isolation", paramLabel = "TIER", description = "The least isolation tier of the account's tasks from now on: container (runc) or sandbox (gVisor).")
    String isolation;

    public AccountSetCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        ObjectNode request = Json.mapper().createObjectNode();
        if (maxVcpu != null) {
            request.put("maxVcpu", maxVcpu);
        }
        if (maxTasks != null) {
            request.put("maxTasks", maxTasks);
        }
        if (maxWaiting != null) {
            request.put("maxWaiting", maxWaiting);
        }
        if (rate != null) {
            request.put("rate", rate);
        }
        if (request.isEmpty() && isolation == null) {
            throw new ParameterException(spec.commandLine(), "Give at least one of --max-vcpu, --max-tasks, --max-waiting, --rate, --isolation");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BerthClient client = connect()) {
            if (isolation != null) {
                JsonNode set = client.admin("PUT", "/berth/accounts/" + BerthClient.pathSegment(accountId) + "/isolation", Map.of(),
                        Json.mapper().createObjectNode().put("isolation", isolation));
                out.println("Account " + set.path("accountId").asText() + ": isolation " + set.path("isolation").asText());
            }
            if (!request.isEmpty()) {
                printQuotas(out, client.admin("PUT", "/berth/accounts/" + BerthClient.pathSegment(accountId) + "/limits", Map.of(), request));
            }
        }
        out.flush();
        return 0;
    }

    private static void printQuotas(PrintWriter out, JsonNode response)
    {
        List<String> defaults = new ArrayList<>();
        response.path("defaults").forEach(field -> defaults.add(field.asText()));
        out.println("Account " + response.path("accountId").asText() + ": "
                + quota("max-vcpu", response.path("maxVcpu"), defaults.contains("maxVcpu")) + ", "
                + quota("max-tasks", response.path("maxTasks"), defaults.contains("maxTasks")) + ", "
                + quota("max-waiting", response.path("maxWaiting"), defaults.contains("maxWaiting")) + ", "
                + quota("rate", response.path("rate"), defaults.contains("rate")));
    }

    private static String quota(String name, JsonNode value, boolean fromDefault)
    {
        String shown = value.decimalValue().signum() == 0 ? "unlimited" : value.decimalValue().stripTrailingZeros().toPlainString();
        return name + " " + shown + (fromDefault ? " (default)" : "");
    }
}
