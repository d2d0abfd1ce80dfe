package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * berth host patch [HOST...|--all] --command CMD [--max-unavailable N] [--reboot] [--timeout D] [--drain-deadline D] [--wait]:
 * starts a rolling patch (POST /berth/patches) that the control plane carries out host by host: drain, the command
 * through the host's agent, a heartbeat after it, uncordon; it stops at the first host that fails. --status [RUN]
 * shows the latest run (or RUN): each host's step, exit code and what its command printed. --wait follows the run
 * until it ends and exits 0 when it COMPLETED, 1 when it FAILED.
 */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Patch hosts one after another: drain, run a command on the host through its agent, wait for it to come back, uncordon; --status shows progress.")
public final class HostPatchCommand
        extends ControlPlaneCommand
{
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    @Parameters(arity = "0..*", paramLabel = "HOST", description = "Hosts to patch, in this order (see `berth host ls`)")
    List<String> hostIds = new ArrayList<>();

    @Option(names = "--all", description = "Patch every joined host, in id order")
    boolean all;

    @Option(names = "--command", paramLabel = "CMD", description = "The command each host runs (with /bin/sh -c, as the agent's user), e.g. 'apt-get -y upgrade'")
    String command;

    @Option(names = "--max-unavailable", defaultValue = "1", paramLabel = "N", description = "How many hosts may be out of service at once (default: ${DEFAULT-VALUE})")
    int maxUnavailable;

    @Option(names = "--reboot", description = "The command restarts the agent or the host: a host is back once a new agent process answers")
    boolean reboot;

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "D",
            description = "How long the command may run (with --reboot: and the host take to come back) before the host fails: 90s, 10m, 1h (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--drain-deadline", defaultValue = "5m", paramLabel = "D",
            description = "When each drained host's standalone tasks are stopped (service tasks move first, replaced elsewhere) (default: ${DEFAULT-VALUE})")
    String drainDeadline;

    @Option(names = "--wait", description = "Follow the run until it ends; exit 1 if it FAILED")
    boolean await;

    @Option(names = "--status", description = "Show the latest patch run (or the run named as HOST) instead of starting one")
    boolean status;

    public HostPatchCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws InterruptedException
    {
        PrintWriter out = spec.commandLine().getOut();
        // a mistake in the options is said before anything is sent
        ObjectNode request = status ? null : request();
        try (BerthClient client = connect()) {
            if (status) {
                return showStatus(client, out);
            }
            JsonNode run = client.admin("POST", "/berth/patches", Map.of(), request);
            out.println("Patch " + run.path("runId").asText() + " started on " + run.path("hosts").size() + " host(s), at most " + run.path("maxUnavailable").asInt()
                    + " at once; `berth host patch --status` shows its progress, `berth events -f` its steps.");
            out.flush();
            return await ? follow(client, run.path("runId").asText(), out) : 0;
        }
    }

    private ObjectNode request()
    {
        if (command == null || command.isBlank()) {
            throw new CommandFailedException("Give the command to run on each host: --command CMD");
        }
        if (all == !hostIds.isEmpty()) {
            throw new CommandFailedException("Name the hosts to patch, or give --all (not both)");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        putHosts(body, all, hostIds);
        body.put("command", command);
        body.put("maxUnavailable", maxUnavailable);
        body.put("reboot", reboot);
        body.put("timeoutSeconds", Durations.parse(spec.commandLine(), timeout).toSeconds());
        body.put("drainDeadlineSeconds", Durations.parse(spec.commandLine(), drainDeadline).toSeconds());
        return body;
    }

    /** The hosts of a run's request: all, or the ones named. */
    static void putHosts(ObjectNode body, boolean all, List<String> hostIds)
    {
        if (all) {
            body.put("all", true);
        }
        else {
            ArrayNode hosts = body.putArray("hosts");
            hostIds.forEach(hosts::add);
        }
    }

    private int showStatus(BerthClient client, PrintWriter out)
    {
        if (hostIds.size() > 1 || command != null || all) {
            throw new CommandFailedException("--status takes at most a run id, and no --command or --all");
        }
        JsonNode run;
        if (hostIds.isEmpty()) {
            JsonNode runs = client.admin("GET", "/berth/patches", Map.of("limit", "1"), null).path("runs");
            if (runs.isEmpty()) {
                out.println("No patch has run yet.");
                out.flush();
                return 0;
            }
            run = runs.get(0);
        }
        else {
            run = client.admin("GET", "/berth/patches/" + BerthClient.pathSegment(hostIds.getFirst()), Map.of(), null);
        }
        print(run, out);
        return 0;
    }

    /** Prints each host's step as it changes until the run ends; 0 when it COMPLETED, 1 when it FAILED. */
    static int follow(BerthClient client, String runId, PrintWriter out)
            throws InterruptedException
    {
        Map<String, String> seen = new HashMap<>();
        while (true) {
            JsonNode run = client.admin("GET", "/berth/patches/" + BerthClient.pathSegment(runId), Map.of(), null);
            for (JsonNode host : run.path("hosts")) {
                String step = host.path("step").asText() + (host.hasNonNull("message") ? ": " + host.path("message").asText() : "");
                if (!step.equals(seen.put(host.path("hostId").asText(), step))) {
                    out.println(time(host.path("stepStartedAt")) + "  " + host.path("hostId").asText() + "  " + step);
                }
            }
            out.flush();
            if (!run.path("status").asText().equals("RUNNING")) {
                print(run, out);
                return run.path("status").asText().equals("COMPLETED") ? 0 : 1;
            }
            Thread.sleep(POLL_INTERVAL);
        }
    }

    static void print(JsonNode run, PrintWriter out)
    {
        out.println("Patch " + run.path("runId").asText() + "  " + run.path("status").asText() + "  started " + time(run.path("createdAt"))
                + (run.hasNonNull("finishedAt") ? ", finished " + time(run.path("finishedAt")) : ""));
        out.println("Command: " + run.path("command").asText() + "   (at most " + run.path("maxUnavailable").asInt() + " at once"
                // an upgrade waits for the new agent as a reboot does, but reboots nothing
                + (run.path("reboot").asBoolean() && !run.hasNonNull("upgrade") ? ", reboot" : "") + ", timeout " + run.path("timeoutSeconds").asLong() + " s)");
        TablePrinter table = new TablePrinter(List.of("HOST", "STEP", "EXIT", "SINCE", "MESSAGE"));
        for (JsonNode host : run.path("hosts")) {
            table.addRow(List.of(host.path("hostId").asText(), host.path("step").asText(), host.hasNonNull("exitCode") ? host.path("exitCode").asText() : "-",
                    host.hasNonNull("stepStartedAt") ? time(host.path("stepStartedAt")) : "-", host.path("message").asText("")));
        }
        table.print(out);
        if (run.hasNonNull("waiting")) {
            out.println("Waiting: " + run.path("waiting").asText());
        }
        if (run.hasNonNull("failure")) {
            out.println("Failed: " + run.path("failure").asText());
        }
        for (JsonNode host : run.path("hosts")) {
            String output = host.path("output").asText("");
            if (!output.isBlank()) {
                out.println("--- output of the command on " + host.path("hostId").asText() + " ---");
                out.println(output.stripTrailing());
            }
        }
        out.flush();
    }

    private static String time(JsonNode epochSeconds)
    {
        if (epochSeconds == null || epochSeconds.isMissingNode() || epochSeconds.isNull()) {
            return "-";
        }
        BigDecimal seconds = epochSeconds.decimalValue();
        return Instant.ofEpochSecond(seconds.longValue()).toString();
    }
}
