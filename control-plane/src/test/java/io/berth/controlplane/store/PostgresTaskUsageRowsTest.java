package io.berth.controlplane.store;

import io.berth.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresTaskUsageRowsTest
        extends TaskUsageRowsContractTest
{
    private static TestPostgres postgres;

    @BeforeAll
    static void createDatabase()
    {
        postgres = TestPostgres.create();
    }

    @AfterAll
    static void dropDatabase()
    {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected String jdbcUrl()
    {
        return postgres.jdbcUrl();
    }
}
