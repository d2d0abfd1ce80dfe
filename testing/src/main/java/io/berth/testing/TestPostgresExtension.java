package io.berth.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestPostgres} database for the whole test class: register it as a static
 * {@code @RegisterExtension} field; it is created before the class's tests and dropped after them.
 */
public final class TestPostgresExtension
        implements BeforeAllCallback, AfterAllCallback
{
    private TestPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context)
    {
        postgres = TestPostgres.create();
    }

    @Override
    public void afterAll(ExtensionContext context)
    {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** The JDBC URL of this class's database; only valid while the class's tests run. */
    public String jdbcUrl()
    {
        if (postgres == null) {
            throw new IllegalStateException("no database: register TestPostgresExtension as a static @RegisterExtension field");
        }
        return postgres.jdbcUrl();
    }
}
