package io.berth.cli.commands;

import picocli.CommandLine.Option;

import java.util.Optional;

/** Options every command that talks to a control plane shares; the environment supplies the rest. */
public final class ConnectionOptions
{
    @Option(names = "--endpoint", paramLabel = "URL", description = "Berth API endpoint (default: $BERTH_ENDPOINT, $AWS_ENDPOINT_URL or http://127.0.0.1:8686)")
    String endpoint;

    @Option(names = "--region", description = "Region to sign for (default: $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)")
    String region;

    Optional<String> endpoint()
    {
        return Optional.ofNullable(endpoint);
    }

    Optional<String> region()
    {
        return Optional.ofNullable(region);
    }
}
