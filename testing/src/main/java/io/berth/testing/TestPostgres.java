package io.berth.testing;

import org.junit.jupiter.api.Assumptions;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * A fresh, empty PostgreSQL database for one test class, on the server named by env
 * {@code BERTH_TEST_POSTGRES_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/berth_test?user=berth&password=berth};
 * the role needs CREATEDB). Without that variable the test is skipped, except under CI (env CI=true), where a
 * missing PostgreSQL is a failure: CI must exercise the PostgreSQL store.
 * <p>
 * Use from {@code @BeforeAll} and close it in {@code @AfterAll} (close drops the database), or through
 * {@link TestPostgresExtension}.
 */
public final class TestPostgres
        implements AutoCloseable
{
    public static final String URL_VARIABLE = "BERTH_TEST_POSTGRES_URL";

    private final String serverUrl;
    private final String databaseName;
    private final String jdbcUrl;

    private TestPostgres(String serverUrl, String databaseName)
    {
        this.serverUrl = requireNonNull(serverUrl, "serverUrl is null");
        this.databaseName = requireNonNull(databaseName, "databaseName is null");
        this.jdbcUrl = withDatabase(serverUrl, databaseName);
    }

    /** Creates the database, or skips the calling test when no PostgreSQL is configured (fails under CI). */
    public static TestPostgres create()
    {
        String serverUrl = System.getenv(URL_VARIABLE);
        if (serverUrl == null || serverUrl.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(URL_VARIABLE + " is not set; CI must run the PostgreSQL tests "
                        + "(start PostgreSQL and export " + URL_VARIABLE + "=jdbc:postgresql://127.0.0.1:5432/postgres?user=...&password=...)");
            }
            Assumptions.abort(URL_VARIABLE + " is not set; skipping the PostgreSQL variant");
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String databaseName = "berth_test_" + HexFormat.of().formatHex(random);
        TestPostgres postgres = new TestPostgres(serverUrl, databaseName);
        postgres.execute("CREATE DATABASE " + databaseName);
        return postgres;
    }

    /** The JDBC URL of the fresh database, with the same credentials as the configured one. */
    public String jdbcUrl()
    {
        return jdbcUrl;
    }

    public String databaseName()
    {
        return databaseName;
    }

    @Override
    public void close()
    {
        // WITH (FORCE) ends connections a pool in the test may still hold
        execute("DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
    }

    private void execute(String sql)
    {
        try (Connection connection = DriverManager.getConnection(serverUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL_VARIABLE + " refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    /** Replaces the database path of a jdbc:postgresql URL, keeping host, port and query. */
    static String withDatabase(String jdbcUrl, String databaseName)
    {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(URL_VARIABLE + " must start with jdbc:postgresql:, got " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        return "jdbc:postgresql://" + authority + "/" + databaseName + query;
    }
}
