package io.berth.controlplane.store;

import com.zaxxer.hikari.HikariDataSource;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.store.jdbc.DataSources;
import io.berth.controlplane.store.jdbc.Migrations;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's database: SQLite (embedded, one file) or PostgreSQL, chosen by the JDBC URL. Every
 * operation runs in one transaction; a transaction that lost an optimistic-concurrency race runs again.
 */
public final class Store
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int MAX_ATTEMPTS = 20;
    private static final long BACKOFF_BASE_MICROS = 1_000;
    private static final long BACKOFF_CAP_MICROS = 100_000;

    private final HikariDataSource dataSource;
    /** The fence of the work this thread runs in {@link #fenced}, or null. */
    private final ThreadLocal<TransactionFence> fence = new ThreadLocal<>();
    /** Shared by every transaction: tasks as of their version, so rows read again are not parsed again. */
    private final TaskBodyCache taskBodies = new TaskBodyCache();
    /** Shared by every transaction: hosts' info, task definitions and cluster configurations as parsed, by their JSON. */
    private final StoreTransaction.ParsedBodies parsedBodies = new StoreTransaction.ParsedBodies(
            new ParsedBodyCache<>(HostInfo.class, 20_000),
            new ParsedBodyCache<>(TaskDefinition.class, 20_000),
            new ParsedBodyCache<>(ClusterConfiguration.class, 20_000));
    /** Shared by every transaction: the network changes this replica committed, by epoch. */
    private final CommittedNetworkChanges committedNetworkChanges = new CommittedNetworkChanges();

    private Store(HikariDataSource dataSource)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /** Opens the store at jdbc:sqlite:/path/berth.db or jdbc:postgresql://..., migrating the schema first. */
    public static Store open(String jdbcUrl)
    {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        HikariDataSource dataSource;
        try {
            dataSource = DataSources.create(jdbcUrl);
        }
        catch (IllegalArgumentException e) {
            throw e;
        }
        catch (RuntimeException e) {
            throw new StoreException("Cannot open the store at " + redacted(jdbcUrl) + ": " + rootMessage(e)
                    + ". Check that the database is running and the URL, user and password are right.", e);
        }
        try {
            Migrations.migrate(jdbcUrl);
        }
        catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("Cannot bring the store schema at " + redacted(jdbcUrl) + " up to date: " + rootMessage(e), e);
        }
        log.info("Store opened at {}", redacted(jdbcUrl));
        return new Store(dataSource);
    }

    public <T> T inTransaction(Function<StoreTransaction, T> work)
    {
        for (int attempt = 1; ; attempt++) {
            try {
                return runOnce(work);
            }
            catch (ConcurrentUpdateException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new StoreException("Gave up after " + attempt + " concurrent update conflicts", e);
                }
                backOff(attempt);
            }
        }
    }

    /**
     * Waits before attempt + 1: exponential from 1 ms, capped at 100 ms, with jitter (half to all of it), so contending
     * transactions spread out instead of colliding again at once (20 attempts wait about 1.3 s at the most).
     */
    private static void backOff(int attempt)
    {
        long ceilingMicros = Math.min(BACKOFF_CAP_MICROS, BACKOFF_BASE_MICROS << Math.min(attempt - 1, 20));
        try {
            Thread.sleep(java.time.Duration.ofNanos(1_000 * ThreadLocalRandom.current().nextLong(ceilingMicros / 2, ceilingMicros + 1)));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while waiting to retry a contended transaction", e);
        }
    }

    public void useTransaction(Consumer<StoreTransaction> work)
    {
        inTransaction(transaction -> {
            work.accept(transaction);
            return null;
        });
    }

    /**
     * Runs work with every transaction it makes on this thread checked by fence first (see {@link TransactionFence}):
     * the leader's controllers run so, and a refused transaction's exception leaves work.
     */
    public void fenced(TransactionFence check, Runnable work)
    {
        requireNonNull(check, "check is null");
        TransactionFence outer = fence.get();
        fence.set(check);
        try {
            work.run();
        }
        finally {
            if (outer == null) {
                fence.remove();
            }
            else {
                fence.set(outer);
            }
        }
    }

    private <T> T runOnce(Function<StoreTransaction, T> work)
    {
        try (Connection connection = dataSource.getConnection()) {
            StoreTransaction transaction = new StoreTransaction(connection, taskBodies, parsedBodies, committedNetworkChanges);
            try {
                TransactionFence check = fence.get();
                if (check != null) {
                    check.check(transaction);
                }
                T result = work.apply(transaction);
                transaction.beforeCommit();
                connection.commit();
                transaction.afterCommit();
                return result;
            }
            catch (RuntimeException | Error e) {
                rollback(connection, e);
                transaction.commitFailed();
                throw e;
            }
            catch (SQLException e) {
                rollback(connection, e);
                transaction.commitFailed();
                throw StoreException.of("COMMIT", e);
            }
        }
        catch (SQLTransientConnectionException e) {
            throw new StoreBusyException("The store is busy: no connection came free in time (" + e.getMessage() + ")", e);
        }
        catch (SQLException e) {
            throw StoreException.of("connect", e);
        }
    }

    private static void rollback(Connection connection, Throwable cause)
    {
        try {
            connection.rollback();
        }
        catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close()
    {
        dataSource.close();
    }

    private static String rootMessage(Throwable throwable)
    {
        Throwable root = throwable;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static String redacted(String jdbcUrl)
    {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
