package io.berth.benchmarks;

import io.berth.agent.link.HttpControlPlaneLink;
import io.berth.cli.server.BerthServer;
import io.berth.cli.server.ServerConfig;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.files.FileTrees;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.metering.MeteringConfig;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a sync's round trip costs the agent's link: the agent's own {@link HttpControlPlaneLink} (blocking calls on
 * the calling thread) next to the JDK's HttpClient as the link used it before (HTTP/1.1, the same TLS context, the
 * same request), against one `berth server` in this JVM serving HTTPS with its cluster CA. The two alternate call by
 * call, 5 ms apart as a host's syncs come with gaps, first on a quiet machine and then with every core kept busy by
 * spinning threads (as a task start's processes keep them). Options: --syncs N (500 each way and condition).
 */
public final class AgentLinkBenchmark
{
    private static final Duration GAP = Duration.ofMillis(5);

    private AgentLinkBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        int syncs = option(args, "--syncs", 500);
        Path root = Files.createTempDirectory("berth-bench-agent-link");
        BerthServer server = new BerthServer(new ServerConfig(root, "127.0.0.1", 0, null, "us-east-1", Duration.ofHours(1), null, MeteringConfig.DEFAULTS,
                ServerConfig.Tls.CLUSTER_CA), Clock.systemUTC());
        try {
            server.start();
            SSLContext trust = TrustedCertificates.only(PemCertificates.read(server.caBundle()));
            // two hosts, one per client: each sync records its own host's heartbeat, as a real host's does
            HostCredential linkHost = server.controlPlane().hostAccess().issueCredential("host-bench-link");
            HostCredential jdkHost = server.controlPlane().hostAccess().issueCredential("host-bench-jdk");
            HttpControlPlaneLink link = new HttpControlPlaneLink(server.endpoint(), linkHost, trust);
            JdkSync jdk = new JdkSync(server.endpoint(), jdkHost, trust);
            // warm-up: JIT, the first handshakes, each host's first sync (its slice of the task network)
            run(link, jdk, Math.min(200, syncs), new ArrayList<>(), new ArrayList<>());
            List<Duration> linkQuiet = new ArrayList<>();
            List<Duration> jdkQuiet = new ArrayList<>();
            run(link, jdk, syncs, linkQuiet, jdkQuiet);
            List<Duration> linkBusy = new ArrayList<>();
            List<Duration> jdkBusy = new ArrayList<>();
            AtomicBoolean spinning = new AtomicBoolean(true);
            List<Thread> spinners = new ArrayList<>();
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                spinners.add(Thread.ofPlatform().daemon().name("spinner-" + i).start(() -> spin(spinning)));
            }
            try {
                run(link, jdk, syncs, linkBusy, jdkBusy);
            }
            finally {
                spinning.set(false);
                for (Thread spinner : spinners) {
                    spinner.join();
                }
            }
            System.out.printf(Locale.ROOT, "Agent link: a sync's round trip to `berth server` (HTTPS, cluster CA, in this JVM), %d each way and condition, %d ms apart; %d cores, JDK %s%n",
                    syncs, GAP.toMillis(), Runtime.getRuntime().availableProcessors(), Runtime.version());
            System.out.printf(Locale.ROOT, "| %-58s | %9s | %9s | %9s |%n", "", "p50 ms", "p90 ms", "p99 ms");
            System.out.printf(Locale.ROOT, "(the JDK client's answers name nothing held: %d bytes each; the link's leave out the parts its host holds, as an agent's do)%n", jdk.answerBytes);
            print("sync round trip, quiet: JDK HttpClient (as before)", LatencySummary.of(jdkQuiet));
            print("sync round trip, quiet: the agent's link", LatencySummary.of(linkQuiet));
            print("sync round trip, cores busy: JDK HttpClient (as before)", LatencySummary.of(jdkBusy));
            print("sync round trip, cores busy: the agent's link", LatencySummary.of(linkBusy));
        }
        finally {
            server.close();
            FileTrees.deleteRecursively(root);
        }
    }

    private static void run(HttpControlPlaneLink link, JdkSync jdk, int syncs, List<Duration> linkTimes, List<Duration> jdkTimes)
            throws Exception
    {
        for (int i = 0; i < syncs; i++) {
            long before = System.nanoTime();
            link.sync(request(link.credential()));
            linkTimes.add(Duration.ofNanos(System.nanoTime() - before));
            Thread.sleep(GAP);
            before = System.nanoTime();
            jdk.sync();
            jdkTimes.add(Duration.ofNanos(System.nanoTime() - before));
            Thread.sleep(GAP);
        }
    }

    private static SyncRequest request(HostCredential host)
    {
        return new SyncRequest(new HostInfo(host.hostId(), "127.0.0.1", 2048, 4096, Map.of(), 0), List.of());
    }

    /** Keeps a core busy until told to stop, sleeping a millisecond now and then so that the machine stays usable. */
    private static void spin(AtomicBoolean spinning)
    {
        long count = 0;
        while (spinning.get()) {
            count++;
            if ((count & 0xFFFFFF) == 0) {
                try {
                    Thread.sleep(1);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The sync as the link made it with the JDK's HttpClient: the same headers and body, the answer read whole. */
    private static final class JdkSync
    {
        private final HttpClient client;
        private final HostCredential host;
        private final URI uri;
        private int answerBytes;

        JdkSync(URI endpoint, HostCredential host, SSLContext trust)
        {
            this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
            this.host = host;
            this.uri = URI.create(endpoint.toString().replaceAll("/$", "") + "/berth/agent/v1/sync");
        }

        void sync()
                throws Exception
        {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header(AgentProtocolVersion.HEADER, Integer.toString(AgentProtocolVersion.CURRENT))
                    .header("Authorization", host.authorizationHeader())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(request(host))))
                    .build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            answerBytes = response.body().length;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the sync was answered " + response.statusCode() + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static void print(String label, LatencySummary summary)
    {
        System.out.printf(Locale.ROOT, "| %-58s | %9s | %9s | %9s |%n", label, ReportTable.millis(summary.p50()), ReportTable.millis(summary.p90()), ReportTable.millis(summary.p99()));
    }

    private static int option(String[] args, String name, int defaultValue)
    {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }
}
