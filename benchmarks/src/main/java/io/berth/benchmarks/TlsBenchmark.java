package io.berth.benchmarks;

import io.berth.cli.server.BerthServer;
import io.berth.cli.server.ServerConfig;
import io.berth.common.files.FileTrees;
import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.metering.MeteringConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

import javax.net.ssl.TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What TLS costs the API: ListClusters through the AWS SDK for Java v2 against one `berth server` (in this JVM, no
 * registry) serving HTTPS with its cluster CA, next to the same server with --tls off, in one run. Two figures: a
 * request on a kept-alive connection (what SDKs and agents do), and a request on a new connection each time (the
 * handshake's cost, what a CLI command pays once). Options: --requests N (2000), --connections N (200).
 * Target: kept-alive p50 with TLS within 1.25x of plain HTTP.
 */
public final class TlsBenchmark
{
    private static final double TARGET_RATIO = 1.25;

    private TlsBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        int requests = option(args, "--requests", 2000);
        int connections = option(args, "--connections", 200);
        Path root = Files.createTempDirectory("berth-bench-tls");
        try {
            Result plain = measure(root.resolve("plain"), ServerConfig.Tls.OFF, requests, connections);
            Result tls = measure(root.resolve("tls"), ServerConfig.Tls.CLUSTER_CA, requests, connections);
            System.out.printf(Locale.ROOT, "TLS on the API: ListClusters through the AWS SDK for Java v2 (ApacheHttpClient), %d requests kept alive, %d on new connections; %s%n",
                    requests, connections, machine());
            System.out.printf(Locale.ROOT, "| %-34s | %9s | %9s | %9s |%n", "", "p50 ms", "p99 ms", "req/s");
            print("plain HTTP, kept alive", plain.keptAlive(), perSecond(requests, plain.keptAliveTotal()));
            print("HTTPS (cluster CA), kept alive", tls.keptAlive(), perSecond(requests, tls.keptAliveTotal()));
            print("plain HTTP, new connection each", plain.newConnections(), Double.NaN);
            print("HTTPS, new connection each", tls.newConnections(), Double.NaN);
            double ratio = ReportTable.ratio(tls.keptAlive().p50(), plain.keptAlive().p50());
            System.out.printf(Locale.ROOT, "kept-alive p50 with TLS: %.2fx plain HTTP (target <= %.2fx): %s%n", ratio, TARGET_RATIO, ratio <= TARGET_RATIO ? "MET" : "NOT MET");
        }
        finally {
            FileTrees.deleteRecursively(root);
        }
    }

    private record Result(LatencySummary keptAlive, LatencySummary newConnections, Duration keptAliveTotal) {}

    private static Result measure(Path directory, ServerConfig.Tls tls, int requests, int connections)
            throws Exception
    {
        BerthServer server = new BerthServer(new ServerConfig(directory, "127.0.0.1", 0, null, "us-east-1", Duration.ofHours(1), null, MeteringConfig.DEFAULTS, tls),
                Clock.systemUTC());
        server.start();
        try {
            TrustManager[] trust = server.caBundle() == null ? null : trustManagers(server.caBundle());
            List<Duration> keptAlive = new ArrayList<>();
            long started = System.nanoTime();
            try (EcsClient ecs = client(server, trust)) {
                // warm-up: JIT, the first handshake
                for (int i = 0; i < Math.min(200, requests); i++) {
                    ecs.listClusters();
                }
                started = System.nanoTime();
                for (int i = 0; i < requests; i++) {
                    long before = System.nanoTime();
                    ecs.listClusters();
                    keptAlive.add(Duration.ofNanos(System.nanoTime() - before));
                }
            }
            Duration total = Duration.ofNanos(System.nanoTime() - started);
            List<Duration> fresh = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                try (EcsClient ecs = client(server, trust)) {
                    long before = System.nanoTime();
                    ecs.listClusters();
                    fresh.add(Duration.ofNanos(System.nanoTime() - before));
                }
            }
            return new Result(LatencySummary.of(keptAlive), LatencySummary.of(fresh), total);
        }
        finally {
            server.close();
        }
    }

    private static void print(String label, LatencySummary summary, double perSecond)
    {
        System.out.printf(Locale.ROOT, "| %-34s | %9s | %9s | %9s |%n", label, ReportTable.millis(summary.p50()), ReportTable.millis(summary.p99()),
                Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.0f", perSecond));
    }

    private static double perSecond(int requests, Duration total)
    {
        return requests / Math.max(1e-9, total.toNanos() / 1e9);
    }

    private static String machine()
            throws java.io.IOException
    {
        return Runtime.getRuntime().availableProcessors() + " cores, load average " + Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0]
                + ", JDK " + Runtime.version();
    }

    private static EcsClient client(BerthServer server, TrustManager[] trust)
    {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder();
        if (trust != null) {
            http.tlsTrustManagersProvider(() -> trust);
        }
        return EcsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.operatorKey().accessKeyId(), server.operatorKey().secretAccessKey())))
                .httpClientBuilder(http)
                .build();
    }

    private static TrustManager[] trustManagers(Path caBundle)
            throws Exception
    {
        return TrustedCertificates.trustManagers(PemCertificates.read(caBundle));
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
