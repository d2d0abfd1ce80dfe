package io.berth.controlplane.leadership;

import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLeaderElectionTest
        extends LeaderElectionContractTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
