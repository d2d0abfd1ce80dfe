package io.berth.cli.client;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Opens a client, given the endpoint and region a command line may have set. Tests pass their own. */
@FunctionalInterface
public interface BerthClientFactory
{
    BerthClient connect(Optional<String> endpointOverride, Optional<String> regionOverride);

    /** Configured from this process's environment, like the AWS CLI. */
    static BerthClientFactory fromEnvironment()
    {
        return fromEnvironment(System.getenv());
    }

    /** Configured from environment, read as the AWS CLI reads its environment. */
    static BerthClientFactory fromEnvironment(Map<String, String> environment)
    {
        Map<String, String> copy = Map.copyOf(environment);
        return (endpoint, region) -> new BerthClient(BerthClientConfig.fromEnvironment(copy, endpoint, region), Clock.systemUTC());
    }

    /** As {@link #fromEnvironment(Map)}, over HTTP clients kept across commands (the CLI daemon's). */
    static BerthClientFactory fromEnvironment(Map<String, String> environment, SharedHttpClients shared)
    {
        Map<String, String> copy = Map.copyOf(environment);
        return (endpoint, region) -> new BerthClient(BerthClientConfig.fromEnvironment(copy, endpoint, region), Clock.systemUTC(), shared);
    }
}
