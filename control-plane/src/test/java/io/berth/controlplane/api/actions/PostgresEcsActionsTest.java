package io.berth.controlplane.api.actions;

import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresEcsActionsTest
        extends EcsActionsTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
