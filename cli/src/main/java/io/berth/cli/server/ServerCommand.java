package io.berth.cli.server;

import io.berth.cli.commands.Durations;
import io.berth.controlplane.metering.MeteringConfig;
import io.berth.controlplane.metering.PriceList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import io.berth.controlplane.ControlPlaneConfig;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/** `berth server`: runs the control plane alone in the foreground; hosts join it with `berth agent`. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the Berth control plane alone, in the foreground; hosts join it with `berth agent --join URL --token TOKEN`.")
public final class ServerCommand
        implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the control plane's state lives (default: ${DEFAULT-VALUE}).", defaultValue = "/var/lib/berth")
    Path dataDirectory;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the API and of the agent protocol (default: ${DEFAULT-VALUE}).", defaultValue = "8686")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on; agents on other hosts must reach it (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.0.0.0")
    String bindAddress;

    @Option(names = "--store", paramLabel = "JDBC_URL", description = "jdbc:postgresql://... to keep state in PostgreSQL (default: SQLite in the data directory).")
    String storeUrl;

    @Option(names = "--region", paramLabel = "REGION", description = "Region in ARNs (default: ${DEFAULT-VALUE}).", defaultValue = "us-east-1")
    String region;

    @Option(names = "--stopped-task-retention", paramLabel = "DURATION", description = "How long stopped tasks stay describable, e.g. 1h or 90m (default: ${DEFAULT-VALUE}).",
            defaultValue = "1h")
    String stoppedTaskRetention;

    @Option(names = "--price-vcpu-hour", paramLabel = "USD", description = "Price of one vCPU for one hour in the bill (default: ${DEFAULT-VALUE}, the AWS Fargate us-east-1 Linux/x86 list price).",
            defaultValue = "0.04048")
    BigDecimal pricePerVcpuHour;

    @Option(names = "--price-gb-hour", paramLabel = "USD", description = "Price of one GB (GiB) of memory for one hour in the bill (default: ${DEFAULT-VALUE}, the AWS Fargate us-east-1 Linux/x86 list price).",
            defaultValue = "0.004445")
    BigDecimal pricePerGbHour;

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
        ServerConfig config = new ServerConfig(dataDirectory.toAbsolutePath(), bindAddress, port, storeUrl, region,
                Durations.parse(spec.commandLine(), stoppedTaskRetention), null, MeteringConfig.DEFAULTS.withPrices(prices(spec.commandLine(), pricePerVcpuHour, pricePerGbHour)));
        BerthServer server = new BerthServer(config, Clock.systemUTC(), hostTimings(spec.commandLine(), placementTimeout, hostLostAfter));
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "berth-server-shutdown"));
        spec.commandLine().getOut().printf("""
                Berth control plane is up: API on %s, data in %s
                Use it from this shell:
                  . %s
                Join a host: get a token here, then run the agent on the host (as root):
                  berth host token                 # prints TOKEN; add --expires-in 1h to limit it
                  berth agent --join %s --token TOKEN --data-dir /var/lib/berth-agent
                %n""", server.endpoint(), config.dataDirectory(), server.environmentFile(), server.endpoint());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    /** --placement-timeout and --host-lost-after as settings of the control plane (`berth server` and `berth up` take the same options). */
    public static UnaryOperator<ControlPlaneConfig> hostTimings(CommandLine commandLine, String placementTimeout, String hostLostAfter)
    {
        Duration placement = positive(commandLine, "--placement-timeout", Durations.parse(commandLine, placementTimeout));
        Duration lost = positive(commandLine, "--host-lost-after", Durations.parse(commandLine, hostLostAfter));
        return controlPlane -> controlPlane.withPlacementTimeout(placement).withHostLostAfter(lost);
    }

    private static Duration positive(CommandLine commandLine, String option, Duration value)
    {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(commandLine, option + " must be longer than zero, e.g. 30s");
        }
        return value;
    }

    /** The bill's prices from the command line (`berth server` and `berth up` take the same options). */
    public static PriceList prices(CommandLine commandLine, BigDecimal perVcpuHour, BigDecimal perGbHour)
    {
        if (perVcpuHour.signum() < 0 || perGbHour.signum() < 0) {
            throw new ParameterException(commandLine, "prices must not be negative: check --price-vcpu-hour and --price-gb-hour");
        }
        return PriceList.FARGATE_US_EAST_1_LINUX_X86.withPrices(perVcpuHour, perGbHour);
    }
}
