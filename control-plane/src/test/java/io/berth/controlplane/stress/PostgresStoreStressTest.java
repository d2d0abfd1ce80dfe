package io.berth.controlplane.stress;

import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresStoreStressTest
        extends StoreStressTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
