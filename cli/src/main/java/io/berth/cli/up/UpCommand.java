package io.berth.cli.up;

import io.berth.agent.images.ByteSizes;
import io.berth.cli.agent.RuntimeOptions;
import io.berth.cli.agent.TaskNetworkOptions;
import io.berth.cli.server.ControlPlaneOptions;
import io.berth.cli.server.TlsOptions;
import io.berth.cli.commands.CommandFailedException;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.network.TaskAddressPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.berth.cli.agent.Overcommit;
import io.berth.cli.agent.OvercommitOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

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

    @Mixin
    ControlPlaneOptions controlPlane = new ControlPlaneOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "A registry to reach over plain HTTP (loopback registries always may be).")
    List<String> insecureRegistries = new ArrayList<>();

    @Mixin
    TaskNetworkOptions taskNetwork = new TaskNetworkOptions();

    @Mixin
    RuntimeOptions runtimes = new RuntimeOptions();

    @Mixin
    OvercommitOptions overcommit = new OvercommitOptions();

    @Spec
    CommandSpec spec;

    // for `up` the task CIDR is also this one host's slice unless --host-prefix cuts it (--subnet: its older name)
    @Option(names = {"--task-cidr", "--subnet"}, paramLabel = "CIDR",
            description = "IPv4 range the tasks' addresses come from (default: ${DEFAULT-VALUE}).",
            defaultValue = TaskAddressPlan.DEFAULT_TASK_CIDR)
    String taskCidr;

    @Option(names = "--max-image-size", paramLabel = "SIZE",
            description = "How much one image may unpack to on this host's disk, e.g. 10GiB or 500MiB; a larger image stops its task with CannotPullContainerError (default: ${DEFAULT-VALUE}).",
            defaultValue = "10GiB")
    String maxImageSize;

    @Option(names = "--image-store-size", paramLabel = "SIZE",
            description = "How much this host's image store (blobs and unpacked layers) may hold, e.g. 20GiB; past it, images no task on the host uses are removed, least recently used first (default: 50GiB or half of the data directory's filesystem, whichever is smaller).")
    String imageStoreSize;

    @Override
    public Integer call()
            throws Exception
    {
        AllInOneConfig config = AllInOneConfig.defaults(dataDirectory)
                .withApiPort(port)
                .withBindAddress(bindAddress)
                .withStoreUrl(controlPlane.storeUrl())
                .withInsecureRegistries(Set.copyOf(insecureRegistries))
                .withStoppedTaskRetention(controlPlane.stoppedTaskRetention())
                .withRunsc(runtimes.runscBinary())
                .withOvercommit(overcommit.resolve(Overcommit.ALL_IN_ONE, spec))
                .withTls(tls.resolve());
        config = config.withRegion(controlPlane.region());
        config = config.withMetering(controlPlane.metering());
        try {
            config = config.withTaskNetwork(taskNetwork.bridgeName(), taskCidr);
            config = config.withMaxImageBytes(ByteSizes.parse(maxImageSize));
            config = config.withImageStoreBytes(imageStoreSize == null ? null : ByteSizes.parse(imageStoreSize));
        }
        catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        UnaryOperator<ControlPlaneConfig> timings = controlPlane.hostTimings();
        UnaryOperator<ControlPlaneConfig> network = controlPlane.taskNetwork(taskCidr);
        UnaryOperator<ControlPlaneConfig> quotas = controlPlane.defaultQuotas();
        UnaryOperator<ControlPlaneConfig> ingress = controlPlane.ingressAddresses();
        AllInOne berth = new AllInOne(config, settings -> ingress.apply(quotas.apply(network.apply(timings.apply(settings)))));
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
                  berth run %s/ACCOUNT_ID/app:1 -- echo hello         # your account's own repository
                  aws ecs list-clusters                               # the AWS CLI and SDKs work too
                Containers keep running when berth up stops; the next berth up adopts them.
                %n""", berth.endpoint(), berth.registryAddress(), config.dataDirectory(), berth.environmentFile(), berth.registryAddress());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
