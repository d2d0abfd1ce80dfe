package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import io.berth.common.patching.AgentUpgradeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * berth host upgrade [HOST...|--all] --to URL_OR_PATH [--sha256 HEX] [--max-unavailable N] [--timeout D] [--wait]: upgrades
 * the hosts' agents in place to another Berth build (POST /berth/upgrades), one host after another, their tasks running
 * on; each agent fetches the build, checks its SHA-256, starts it once to read its version, becomes the new build and
 * rolls back when the new build does not sync in time. Without --sha256, --to must be a file this command reads (the
 * same path on every host): its SHA-256 is computed here. Progress: `berth host patch --status`.
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Upgrade the hosts' agents in place to another Berth build, one host after another; their tasks keep running.")
public final class HostUpgradeCommand
        extends ControlPlaneCommand
{
    @Parameters(arity = "0..*", paramLabel = "HOST", description = "Hosts whose agent to upgrade, in this order (see `berth host ls`)")
    List<String> hostIds = new ArrayList<>();

    @Option(names = "--all", description = "Upgrade every joined host, in id order")
    boolean all;

    @Option(names = "--to", required = true, paramLabel = "URL|PATH",
            description = "The new build, a tar or tar.gz of berth-cli-VERSION.jar and lib/*.jar: an http(s) URL each host fetches, or a path on the hosts")
    String build;

    @Option(names = "--sha256", paramLabel = "HEX", description = "The build's SHA-256 (sha256sum); computed from the file when --to is a path this machine has")
    String sha256;

    @Option(names = "--max-unavailable", defaultValue = "1", paramLabel = "N", description = "How many agents may upgrade at once (default: ${DEFAULT-VALUE})")
    int maxUnavailable;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "D",
            description = "How long each host may take to fetch, check and start the build and sync as it (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--wait", description = "Follow the run until it ends; exit 1 if it FAILED")
    boolean await;

    public HostUpgradeCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
            throws InterruptedException
    {
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode request = request();
        try (BerthClient client = connect()) {
            JsonNode run = client.admin("POST", "/berth/upgrades", Map.of(), request);
            out.println("Upgrade " + run.path("runId").asText() + " started on " + run.path("hosts").size() + " host(s), at most " + run.path("maxUnavailable").asInt()
                    + " at once, to " + build + " (sha256 " + request.path("sha256").asText() + "); `berth host patch --status` shows its progress.");
            out.flush();
            return await ? HostPatchCommand.follow(client, run.path("runId").asText(), out) : 0;
        }
    }

    private ObjectNode request()
    {
        if (all == !hostIds.isEmpty()) {
            throw new CommandFailedException("Name the hosts whose agent to upgrade, or give --all (not both)");
        }
        String digest = sha256 != null ? sha256.toLowerCase(Locale.ROOT) : digestOfLocalFile();
        if (!AgentUpgradeRequest.isSha256(digest)) {
            throw new CommandFailedException("--sha256 must be the 64 hex digits sha256sum prints, got '" + sha256 + "'");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        HostPatchCommand.putHosts(body, all, hostIds);
        body.put("build", build.startsWith("/") || build.contains("://") || build.startsWith("file:") ? build : Path.of(build).toAbsolutePath().toString());
        body.put("sha256", digest);
        body.put("maxUnavailable", maxUnavailable);
        body.put("timeoutSeconds", Durations.parse(spec.commandLine(), timeout).toSeconds());
        return body;
    }

    private String digestOfLocalFile()
    {
        Path file = Path.of(build);
        if (build.contains("://") || !Files.isRegularFile(file)) {
            throw new CommandFailedException("Give the build's SHA-256 with --sha256 (it is computed only from a file on this machine, and " + build + " is not one)");
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
        catch (IOException e) {
            throw new CommandFailedException("Cannot read " + file + ": " + e.getMessage());
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
