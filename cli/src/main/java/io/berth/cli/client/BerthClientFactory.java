package io.berth.cli.client;

import java.time.Clock;
import java.util.Optional;

/** Opens a client, given the endpoint and region a command line may have set. Tests pass their own. */
@FunctionalInterface
public interface BerthClientFactory
{
    BerthClient connect(Optional<String> endpointOverride, Optional<String> regionOverride);

    /** Configured from this process's environment, like the AWS CLI. */
    static BerthClientFactory fromEnvironment()
    {
        return (endpoint, region) -> new BerthClient(BerthClientConfig.fromEnvironment(System.getenv(), endpoint, region), Clock.systemUTC());
    }
}
