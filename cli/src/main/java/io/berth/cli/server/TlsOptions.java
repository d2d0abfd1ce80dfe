package io.berth.cli.server;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How `berth server` and `berth up` serve TLS on the API port (a picocli mixin, so both spell it the same way). */
public final class TlsOptions
{
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--tls", paramLabel = "on|off",
            description = "Serve the API over HTTPS (default: ${DEFAULT-VALUE}); off serves plain HTTP, where keys, join tokens and host secrets cross the network in clear.",
            defaultValue = "on")
    String mode;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "The API's certificate chain (PEM, server certificate first) instead of one the cluster CA in DATA_DIR/tls signs; needs --tls-key.")
    Path certificateFile;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key (PEM) of --tls-cert.")
    Path keyFile;

    @Option(names = "--tls-name", paramLabel = "NAME",
            description = "A further DNS name or address clients and agents reach the API by, for the cluster CA's certificate (loopback, the host name and the listening addresses are always in it); repeatable.")
    List<String> extraNames = new ArrayList<>();

    public ServerConfig.Tls resolve()
    {
        boolean enabled = switch (mode) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ParameterException(command.commandLine(), "--tls is on or off, got '" + mode + "'");
        };
        if ((certificateFile == null) != (keyFile == null)) {
            throw new ParameterException(command.commandLine(), "--tls-cert and --tls-key go together: give both, or neither for a certificate of the cluster CA");
        }
        if (!enabled && (certificateFile != null || !extraNames.isEmpty())) {
            throw new ParameterException(command.commandLine(), "--tls-cert, --tls-key and --tls-name need --tls on");
        }
        if (certificateFile != null && !extraNames.isEmpty()) {
            throw new ParameterException(command.commandLine(), "--tls-name names the cluster CA's certificate; with --tls-cert the operator's certificate names itself");
        }
        for (Path file : certificateFile == null ? List.<Path>of() : List.of(certificateFile, keyFile)) {
            if (!Files.isReadable(file)) {
                throw new ParameterException(command.commandLine(), "cannot read " + file);
            }
        }
        return new ServerConfig.Tls(enabled, absolute(certificateFile), absolute(keyFile), extraNames);
    }

    private static Path absolute(Path file)
    {
        return file == null ? null : file.toAbsolutePath();
    }
}
