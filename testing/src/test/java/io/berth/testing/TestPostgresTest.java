package io.berth.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresTest
{
    @Test
    void replacesTheDatabaseKeepingCredentials()
    {
        assertThat(TestPostgres.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=berth&password=berth", "berth_test_1"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/berth_test_1?user=berth&password=berth");
        assertThat(TestPostgres.withDatabase("jdbc:postgresql://db:5432/", "x")).isEqualTo("jdbc:postgresql://db:5432/x");
    }

    @Test
    void createsAndDropsAFreshDatabase()
            throws Exception
    {
        String databaseName;
        try (TestPostgres postgres = TestPostgres.create();
                Connection connection = DriverManager.getConnection(postgres.jdbcUrl())) {
            databaseName = postgres.databaseName();
            assertThat(connection.getCatalog()).isEqualTo(databaseName);
        }
        try (Connection connection = DriverManager.getConnection(System.getenv(TestPostgres.URL_VARIABLE));
                var statement = connection.prepareStatement("SELECT COUNT(*) FROM pg_database WHERE datname = ?")) {
            statement.setString(1, databaseName);
            try (var rows = statement.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
    }
}
