package io.berth.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * berth bill: what the account's tasks cost (per second on their requested size, as Fargate bills), what
 * they really used beside it, and smaller sizes for families that use far less than they ask for
 * (GET /berth/bill). -o json prints the bill's lines as a JSON array, or with --recommendations the
 * right-sizing advice; -o csv prints the lines with every digit; the table rounds money to 6 places.
 */
@Command(name = "bill", mixinStandardHelpOptions = true,
        description = "Show the bill: billed vCPU- and GB-seconds and cost beside the CPU and memory really used, with right-sizing advice.")
public final class BillCommand
        extends ControlPlaneCommand
{
    enum OutputFormat
    {
        table, csv, json
    }

    @Option(names = "--since", paramLabel = "DATE", description = "Bill from this UTC date or date-time on, e.g. 2024-05-01 (default: from the first task)")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Bill up to (not including) this UTC date or date-time (default: no end)")
    String until;

    @Option(names = "--by", defaultValue = "task", paramLabel = "GROUPING",
            description = "One line per: task, family, service, cluster, or tag:KEY (the value of the task tag KEY) (default: ${DEFAULT-VALUE})")
    String by;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    @Option(names = "--account", paramLabel = "ACCOUNT_ID", description = "Operator only: the bill of this account (default: every account)")
    String account;

    @Option(names = "--recommendations", description = "With -o json: print the right-sizing advice instead of the lines")
    boolean recommendations;

    public BillCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws JsonProcessingException
    {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("since", since);
        query.put("until", until);
        query.put("by", by);
        query.put("account", account);
        JsonNode bill;
        try (BerthClient client = connect()) {
            bill = client.admin("GET", "/berth/bill", query, null);
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
            case json -> {
                ArrayNode array = Json.mapper().createArrayNode();
                array.addAll((ArrayNode) bill.path(recommendations ? "recommendations" : "lines"));
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(array));
            }
            case csv -> BillPrinter.csv(bill, out);
            case table -> BillPrinter.table(bill, out);
        }
        out.flush();
        return 0;
    }
}
