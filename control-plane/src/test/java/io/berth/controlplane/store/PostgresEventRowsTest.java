package io.berth.controlplane.store;

import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresEventRowsTest
        extends EventRowsContractTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
