package io.berth.controlplane.store.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with the Flyway migrations in db/migration. The same files serve SQLite
 * and PostgreSQL (flyway-core carries SQLite; flyway-database-postgresql carries PostgreSQL).
 */
public final class Migrations
{
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    public static void migrate(String jdbcUrl)
    {
        // Flyway gets its own connections rather than the pool: the SQLite pool holds a single connection
        // and Flyway may want two at once.
        MigrateResult result = Flyway.configure()
                .dataSource(jdbcUrl, null, null)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            log.info("Store schema migrated to version {} ({} migrations)", result.targetSchemaVersion, result.migrationsExecuted);
        }
    }
}
