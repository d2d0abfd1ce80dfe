package io.berth.cli.server;

import io.berth.cli.commands.CommandFailedException;
import io.berth.cli.up.DataDirectoryLock;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.network.TaskAddressPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

    @Option(names = "--task-cidr", paramLabel = "CIDR", description = "IPv4 range every task address in the cluster comes from; each host gets a slice of it (default: ${DEFAULT-VALUE}).",
            defaultValue = TaskAddressPlan.DEFAULT_TASK_CIDR)
    String taskCidr;

    @Option(names = "--registry-port", paramLabel = "PORT",
            description = "Port of the registry (the per-account repositories of the ECR API), on the --bind address; 0: the port recorded in the data directory, or a free one the first time (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int registryPort;

    @Option(names = "--advertise-url", paramLabel = "URL",
            description = "Where agents reach this control plane, e.g. http://10.0.0.1:8686; every agent is told the URLs of all control planes on the "
                    + "same PostgreSQL store and moves to another when its own stops answering (default: http://ADDRESS:PORT of --bind and --port).")
    URI advertiseUrl;

    @Option(names = "--no-registry", description = "Run no registry: no ECR API, and tasks pull only from other registries.")
    boolean noRegistry;

    @Mixin
    ControlPlaneOptions controlPlane = new ControlPlaneOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Override
    public Integer call()
            throws Exception
    {
        ServerConfig config;
        try {
            config = new ServerConfig(dataDirectory.toAbsolutePath(), bindAddress, port, controlPlane.storeUrl(), controlPlane.region(),
                    controlPlane.stoppedTaskRetention(), registry(), controlPlane.metering(), advertiseUrl);
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "check --advertise-url: " + e.getMessage());
        }
        config = config.withTls(tls.resolve());
        Files.createDirectories(config.dataDirectory());
        // held until the process ends, however it ends: one server per data directory
        DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDirectory());
        BerthServer server = new BerthServer(config, Clock.systemUTC(), controlPlaneSettings());
        try {
            server.start();
        }
        catch (IOException | IllegalStateException e) {
            // IllegalStateException: e.g. another server already runs on the same SQLite store
            lock.close();
            throw new CommandFailedException("cannot start the control plane: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "berth-server-shutdown"));
        spec.commandLine().getOut().printf("""
                Berth control plane is up: API on %s, registry on %s, data in %s
                Use it from this shell:
                  . %s
                Join a host: get a token here, then run the agent on the host (as root):
                  berth host token                 # prints TOKEN; add --expires-in 1h to limit it
                  berth agent --join %s --token TOKEN --data-dir /var/lib/berth-agent
                %n""", server.endpoint(), server.registryAddress() == null ? "none (--no-registry)" : server.registryAddress(), config.dataDirectory(), server.environmentFile(), server.advertisedUrl());
        spec.commandLine().getOut().flush();
        stopped.await();
        lock.close();
        return 0;
    }

    /** Where the registry listens (--registry-port on the --bind address), or null with --no-registry. */
    ServerConfig.Registry registry()
    {
        if (noRegistry) {
            if (registryPort != 0) {
                throw new ParameterException(spec.commandLine(), "--registry-port and --no-registry exclude each other");
            }
            return null;
        }
        if (registryPort < 0 || registryPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--registry-port must be between 0 and 65535");
        }
        if (registryPort != 0 && registryPort == port) {
            throw new ParameterException(spec.commandLine(), "--registry-port must differ from --port");
        }
        return new ServerConfig.Registry(bindAddress, registryPort);
    }

    /** --placement-timeout, --host-lost-after, --task-cidr, --host-prefix and the --default-* quotas as settings of the control plane. */
    UnaryOperator<ControlPlaneConfig> controlPlaneSettings()
    {
        UnaryOperator<ControlPlaneConfig> timings = controlPlane.hostTimings();
        UnaryOperator<ControlPlaneConfig> network = controlPlane.taskNetwork(taskCidr);
        UnaryOperator<ControlPlaneConfig> quotas = controlPlane.defaultQuotas();
        UnaryOperator<ControlPlaneConfig> ingress = controlPlane.ingressAddresses();
        return config -> ingress.apply(quotas.apply(network.apply(timings.apply(config))));
    }
}
