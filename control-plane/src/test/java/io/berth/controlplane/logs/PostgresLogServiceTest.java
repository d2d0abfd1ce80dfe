package io.berth.controlplane.logs;

import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLogServiceTest
        extends LogServiceContractTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
