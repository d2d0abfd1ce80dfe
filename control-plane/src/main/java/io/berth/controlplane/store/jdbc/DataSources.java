package io.berth.controlplane.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Connection pools tuned for each database the store runs on. */
public final class DataSources
{
    private DataSources() {}

    public static boolean isSqlite(String jdbcUrl)
    {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    public static HikariDataSource create(String jdbcUrl)
    {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("berth-store");
        config.setAutoCommit(false);
        if (isSqlite(jdbcUrl)) {
            createParentDirectory(jdbcUrl);
            // SQLite allows one writer at a time; a single connection serializes every transaction in this
            // process, so no transaction ever meets SQLITE_BUSY from a sibling. busy_timeout covers another
            // process (a CLI reading the file) holding the lock briefly.
            config.setMaximumPoolSize(1);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
            config.addDataSourceProperty("synchronous", "NORMAL");
        }
        else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            config.setMaximumPoolSize(10);
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        }
        else {
            throw new IllegalArgumentException("Unsupported store URL " + jdbcUrl + ": use jdbc:sqlite:/path/berth.db or jdbc:postgresql://host:port/database");
        }
        return new HikariDataSource(config);
    }

    private static void createParentDirectory(String jdbcUrl)
    {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.equals(":memory:") || path.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create the store directory " + parent + ": " + e.getMessage(), e);
        }
    }
}
