package io.berth.cli.server;

import io.berth.cli.commands.Durations;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.metering.MeteringConfig;
import io.berth.controlplane.metering.PriceList;
import io.berth.controlplane.network.TaskAddressPlan;
import io.berth.controlplane.quotas.AccountLimits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The control plane's options that `berth server` and `berth up` both take (a picocli mixin), so the two
 * commands spell, default and check them the same way. The listening options stay in each command: their
 * defaults differ (`berth up` listens on loopback only). So does --task-cidr: `berth up` also takes it as
 * --subnet, the name it had before the control plane owned the task network.
 */
public final class ControlPlaneOptions
{
    // the command this mixin is part of, so that a bad value is reported against it
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

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

    @Option(names = "--price-spot-factor", paramLabel = "FACTOR",
            description = "Share of the on-demand price a FARGATE_SPOT task pays in the bill, 0 to 1 (default: ${DEFAULT-VALUE}: spot is 70% off, as AWS's discount at most).",
            defaultValue = "0.3")
    BigDecimal priceSpotFactor;

    @Option(names = "--placement-timeout", paramLabel = "DURATION",
            description = "How long a task waits in PROVISIONING for a host with room before it stops with TaskFailedToStart, e.g. 5m or 30s (default: ${DEFAULT-VALUE}).",
            defaultValue = "5m")
    String placementTimeout;

    @Option(names = "--host-lost-after", paramLabel = "DURATION",
            description = "How long a host may go without a heartbeat before it is marked LOST and its tasks STOPPED, e.g. 60s or 5m (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String hostLostAfter;

    @Option(names = "--ingress-cidr", paramLabel = "CIDR",
            description = "IPv4 range each load balancer's own address (its DNSName) comes from; the ingress hosts serve its listeners there "
                    + "(default: ${DEFAULT-VALUE}, loopback: this machine only; for a fleet, a range routed to the ingress hosts).",
            defaultValue = "127.77.0.0/16")
    String ingressCidr;

    @Option(names = "--host-prefix", paramLabel = "N",
            description = "Prefix length of each host's slice of the task CIDR: longer than the CIDR's, at most 28 (default: ${DEFAULT-VALUE}, a /24 per host).",
            defaultValue = "24")
    int hostPrefix;

    @Option(names = "--default-max-vcpu", paramLabel = "N",
            description = "Quota of an account the operator set none for: requested vCPU of its tasks not STOPPED, e.g. 16 or 0.5; 0 for unlimited (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    double defaultMaxVcpu;

    @Option(names = "--default-max-tasks", paramLabel = "N",
            description = "Quota of an account the operator set none for: its tasks not STOPPED; 0 for unlimited (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long defaultMaxTasks;

    @Option(names = "--default-max-waiting", paramLabel = "N",
            description = "Quota of an account the operator set none for: its tasks waiting for a host (PROVISIONING); 0 for unlimited (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long defaultMaxWaiting;

    @Option(names = "--default-rate", paramLabel = "RPS",
            description = "API requests per second an account the operator set none for may sustain (bursts up to one second's worth); 0 for unlimited (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    double defaultRate;

    /** --store, or null for SQLite in the data directory. */
    public String storeUrl()
    {
        return storeUrl;
    }

    public String region()
    {
        return region;
    }

    public Duration stoppedTaskRetention()
    {
        return Durations.parse(command.commandLine(), stoppedTaskRetention);
    }

    /** The bill's prices from --price-vcpu-hour, --price-gb-hour and --price-spot-factor. */
    public MeteringConfig metering()
    {
        if (pricePerVcpuHour.signum() < 0 || pricePerGbHour.signum() < 0) {
            throw new ParameterException(command.commandLine(), "prices must not be negative: check --price-vcpu-hour and --price-gb-hour");
        }
        if (priceSpotFactor.signum() < 0 || priceSpotFactor.compareTo(BigDecimal.ONE) > 0) {
            throw new ParameterException(command.commandLine(), "--price-spot-factor must be between 0 and 1, got " + priceSpotFactor.toPlainString());
        }
        return MeteringConfig.DEFAULTS.withPrices(PriceList.FARGATE_US_EAST_1_LINUX_X86.withPrices(pricePerVcpuHour, pricePerGbHour)
                .withSpotFactor(priceSpotFactor));
    }

    /** --placement-timeout and --host-lost-after as settings of the control plane. */
    public UnaryOperator<ControlPlaneConfig> hostTimings()
    {
        CommandLine commandLine = command.commandLine();
        Duration placement = positive(commandLine, "--placement-timeout", Durations.parse(commandLine, placementTimeout));
        Duration lost = positive(commandLine, "--host-lost-after", Durations.parse(commandLine, hostLostAfter));
        return controlPlane -> controlPlane.withPlacementTimeout(placement).withHostLostAfter(lost);
    }

    /** --default-max-vcpu, --default-max-tasks, --default-max-waiting and --default-rate as the control plane's default quotas. */
    public UnaryOperator<ControlPlaneConfig> defaultQuotas()
    {
        AccountLimits defaults;
        try {
            defaults = new AccountLimits(AccountLimits.cpuUnits(defaultMaxVcpu), defaultMaxTasks, defaultMaxWaiting, defaultRate);
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "check the --default-* quota options: " + e.getMessage());
        }
        return controlPlane -> controlPlane.withDefaultLimits(defaults);
    }

    /** --ingress-cidr as the control plane's range of load balancer addresses. */
    public UnaryOperator<ControlPlaneConfig> ingressAddresses()
    {
        Ipv4Cidr range;
        try {
            range = Ipv4Cidr.parse(ingressCidr);
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "check --ingress-cidr: " + e.getMessage());
        }
        return controlPlane -> controlPlane.withIngressAddresses(range);
    }

    /** The task CIDR (the command's --task-cidr) cut into slices of --host-prefix, as a setting of the control plane. */
    public UnaryOperator<ControlPlaneConfig> taskNetwork(String taskCidr)
    {
        TaskAddressPlan plan;
        try {
            plan = TaskAddressPlan.of(taskCidr, hostPrefix);
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "check --task-cidr and --host-prefix: " + e.getMessage());
        }
        return controlPlane -> controlPlane.withTaskAddressPlan(plan);
    }

    private static Duration positive(CommandLine commandLine, String option, Duration value)
    {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(commandLine, option + " must be longer than zero, e.g. 30s");
        }
        return value;
    }
}
