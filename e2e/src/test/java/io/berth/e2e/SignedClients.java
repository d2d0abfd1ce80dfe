package io.berth.e2e;

import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.common.sigv4.SigV4Credentials;

import java.time.Clock;

/** The berth CLI's own signed client, for the Berth endpoints the AWS SDK does not know (logs, accounts). */
final class SignedClients
{
    private SignedClients() {}

    static BerthClient operator(BerthEnvironment environment)
    {
        return of(environment, environment.berth().operatorKey().accessKeyId(), environment.berth().operatorKey().secretAccessKey());
    }

    static BerthClient of(BerthEnvironment environment, AccountKeys keys)
    {
        return of(environment, keys.accessKeyId(), keys.secretAccessKey());
    }

    private static BerthClient of(BerthEnvironment environment, String accessKeyId, String secretAccessKey)
    {
        return new BerthClient(new BerthClientConfig(environment.berth().endpoint(), new SigV4Credentials(accessKeyId, secretAccessKey), "us-east-1"),
                Clock.systemUTC());
    }
}
