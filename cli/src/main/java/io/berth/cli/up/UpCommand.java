package io.berth.cli.up;

import io.berth.cli.commands.Durations;
import io.berth.cli.server.ServerCommand;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.cli.commands.CommandFailedException;
import io.berth.controlplane.metering.MeteringConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** `berth up`: runs the all-in-one Berth in the foreground until interrupted. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run Berth on this machine: control plane, an agent for this host and a local registry, in the foreground.")
public final class UpCommand
        implements Callable<Integer>
{
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where all state lives (default: ${DEFAULT-VALUE}).", defaultValue = "/var/lib/berth")
    Path dataDirectory;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the ECS API (default: ${DEFAULT-VALUE}).", defaultValue = "8686")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address the API listens on (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String bindAddress;

    @Option(names = "--store", paramLabel = "JDBC_URL", description = "jdbc:postgresql://... to keep state in PostgreSQL (default: SQLite in the data directory).")
    String storeUrl;

    @Option(names = "--region", paramLabel = "REGION", description = "Region in ARNs (default: ${DEFAULT-VALUE}).", defaultValue = "us-east-1")
    String region;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "A registry to reach over plain HTTP (loopback registries always may be).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--stopped-task-retention", paramLabel = "DURATION", description = "How long stopped tasks stay describable, e.g. 1h or 90m (default: ${DEFAULT-VALUE}).", defaultValue = "1h")
    String stoppedTaskRetention;

    @Option(names = "--price-vcpu-hour", paramLabel = "USD", description = "Price of one vCPU for one hour in the bill (default: ${DEFAULT-VALUE}, the AWS Fargate us-east-1 Linux/x86 list price).", defaultValue = "0.04048")
    BigDecimal pricePerVcpuHour;

    @Option(names = "--price-gb-hour", paramLabel = "USD", description = "Price of one GB (GiB) of memory for one hour in the bill (default: ${DEFAULT-VALUE}, the AWS Fargate us-east-1 Linux/x86 list price).", defaultValue = "0.004445")
    BigDecimal pricePerGbHour;

    @Option(names = "--bridge", paramLabel = "NAME", description = "Linux bridge the tasks' network interfaces attach to (default: ${DEFAULT-VALUE}).",
            defaultValue = CniNetworkConfig.DEFAULT_BRIDGE)
    String bridgeName;

    @Option(names = "--subnet", paramLabel = "CIDR", description = "IPv4 range the tasks' addresses come from (default: ${DEFAULT-VALUE}).",
            defaultValue = CniNetworkConfig.DEFAULT_SUBNET)
    String subnet;

    @Option(names = "--placement-timeout", paramLabel = "DURATION",
            description = "How long a task waits in PROVISIONING for a host with room before it stops with TaskFailedToStart, e.g. 5m or 30s (default: ${DEFAULT-VALUE}).",
            defaultValue = "5m")
    String placementTimeout;

    @Option(names = "--host-lost-after", paramLabel = "DURATION",
            description = "How long a host may go without a heartbeat before it is marked LOST and its tasks STOPPED, e.g. 60s or 5m (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String hostLostAfter;

    @Override
    public Integer call()
            throws Exception
    {
        AllInOneConfig config = AllInOneConfig.defaults(dataDirectory)
                .withApiPort(port)
                .withBindAddress(bindAddress)
                .withStoreUrl(storeUrl)
                .withInsecureRegistries(Set.copyOf(insecureRegistries))
                .withStoppedTaskRetention(Durations.parse(new picocli.CommandLine(this), stoppedTaskRetention));
        config = config.withRegion(region);
        config = config.withMetering(MeteringConfig.DEFAULTS.withPrices(ServerCommand.prices(new picocli.CommandLine(this), pricePerVcpuHour, pricePerGbHour)));
        try {
            config = config.withTaskNetwork(bridgeName, subnet);
        }
        catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        AllInOne berth = new AllInOne(config, ServerCommand.hostTimings(new picocli.CommandLine(this), placementTimeout, hostLostAfter));
        try {
            berth.start();
        }
        catch (IOException e) {
            throw new CommandFailedException("cannot start Berth: " + e.getMessage());
        }
        catch (UncheckedIOException e) {
            throw new CommandFailedException("cannot start Berth: " + e.getMessage() + (e.getCause() instanceof BindException ? " (choose another --port)" : ""));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            berth.close();
            stopped.countDown();
        }, "berth-shutdown"));
        System.out.printf("""
                Berth is up: API listening on %s, registry on %s, data in %s
                Use it from this shell:
                  . %s
                  berth image import ./image-layout --tag app:1      # prints the reference to run
                  berth run %s/app:1 -- echo hello
                  aws ecs list-clusters                               # the AWS CLI and SDKs work too
                Containers keep running when berth up stops; the next berth up adopts them.
                %n""", berth.endpoint(), berth.registryAddress(), config.dataDirectory(), berth.environmentFile(), berth.registryAddress());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
