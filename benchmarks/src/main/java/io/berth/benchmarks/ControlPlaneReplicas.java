package io.berth.benchmarks;

import io.berth.common.files.FileTrees;
import io.berth.common.network.FreePorts;
import io.berth.testing.BerthJvm;
import io.berth.testing.BerthProcess;
import io.berth.testing.LocalFleet;
import io.berth.testing.ReplicaDirectories;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * `berth server` replicas on one PostgreSQL database, on loopback, with no registry, plain HTTP and no agents of
 * their own: the control plane alone, for a simulated fleet ({@link SimulatedFleet}) to talk to. Replicas start one at
 * a time ({@link #startNext()}), so a benchmark can measure with one, then two, then three; each has its own port, data
 * directory and log in a temporary directory that {@link #close()} removes.
 */
final class ControlPlaneReplicas
        implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String ADDRESS = "127.0.0.1";

    private final Path root;
    private final BerthJvm jvm;
    private final List<String> serverArguments;
    private final List<BerthProcess> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private ControlPlaneReplicas(Path root, BerthJvm jvm, List<String> serverArguments)
    {
        this.root = requireNonNull(root, "root is null");
        this.jvm = requireNonNull(jvm, "jvm is null");
        this.serverArguments = List.copyOf(serverArguments);
    }

    /** Replicas on the store (a jdbc:postgresql:// URL), each run as jvm with the further server arguments; none started yet. */
    static ControlPlaneReplicas on(String storeUrl, BerthJvm jvm, List<String> extraArguments)
            throws IOException
    {
        List<String> arguments = new ArrayList<>(List.of("--store", storeUrl, "--no-registry", "--tls", "off"));
        arguments.addAll(extraArguments);
        return new ControlPlaneReplicas(Files.createTempDirectory("berth-scale").toRealPath(), jvm, arguments);
    }

    /** Starts one more replica and waits until it answers; returns its index. */
    int startNext()
            throws IOException, InterruptedException
    {
        int replica = servers.size();
        int port = FreePorts.outsideEphemeralRange(InetAddress.getByName(ADDRESS));
        if (replica > 0) {
            ReplicaDirectories.shareTls(directory(0), directory(replica));
        }
        List<String> arguments = new ArrayList<>(List.of("server", "--data-dir", directory(replica).toString(), "--bind", ADDRESS, "--port", Integer.toString(port)));
        arguments.addAll(serverArguments);
        ports.add(port);
        servers.add(BerthProcess.start(jvm, Optional.empty(), arguments, root.resolve("server-" + replica + ".log"), Map.of()));
        awaitAnswer(replica);
        return replica;
    }

    int size()
    {
        return servers.size();
    }

    BerthProcess server(int replica)
    {
        return servers.get(replica);
    }

    URI endpoint(int replica)
    {
        return URI.create("http://" + ADDRESS + ":" + ports.get(replica));
    }

    /** Starts a replica killed before again (same port and directory) and waits until it answers. */
    void restart(int replica)
            throws IOException, InterruptedException
    {
        servers.get(replica).start();
        awaitAnswer(replica);
    }

    /** The operator's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as the first replica wrote them to its berth.env. */
    Map<String, String> operatorEnvironment()
            throws IOException
    {
        return LocalFleet.readEnvironmentFile(directory(0).resolve("berth.env"));
    }

    /** A join token from `berth host token` (it never expires, and any number of hosts may join with it). */
    String joinToken()
            throws IOException, InterruptedException
    {
        // the launcher's own options: the servers' (a JFR recording, say) may print to standard output
        BerthProcess.Result issued = BerthProcess.run(BerthJvm.current(BerthJvm.BERTH_SCRIPT_OPTIONS), Optional.empty(), List.of("host", "token"), operatorEnvironment());
        if (issued.exitCode() != 0) {
            throw new IOException("berth host token failed: " + issued.stderr());
        }
        return issued.stdout().strip();
    }

    Path root()
    {
        return root;
    }

    private Path directory(int replica)
    {
        return root.resolve("server-" + replica);
    }

    private void awaitAnswer(int replica)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        BerthProcess process = servers.get(replica);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest probe = HttpRequest.newBuilder(endpoint(replica).resolve("/berth/agent/v1/changes")).timeout(Duration.ofSeconds(2)).build();
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("berth server " + replica + " exited: " + Files.readString(process.logFile()));
                }
                try {
                    // any answer (401: no host credential) means it listens
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
                        return;
                    }
                }
                catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("berth server " + replica + " did not answer on " + endpoint(replica) + " within " + START_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Stops every replica (SIGTERM, then SIGKILL) and removes their directory. */
    @Override
    public void close()
            throws IOException, InterruptedException
    {
        for (BerthProcess server : servers) {
            server.close();
        }
        FileTrees.deleteRecursively(root);
    }
}
