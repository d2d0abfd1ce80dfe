package io.berth.controlplane.store;

import io.berth.controlplane.leadership.Lease;
import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The controllers' lease (see V22): one row. Every change is a conditional UPDATE of that row, so contenders on
 * several replicas serialize on its row lock and each sees the other's committed change (PostgreSQL re-checks the
 * condition on the row version it waited for).
 */
public final class LeaseRows
{
    /** A lease write that waits longer than this for the row lock gives up: the renewal loop tries again next second. */
    private static final String LOCK_TIMEOUT = "1s";
    /**
     * The server ends a leader's transaction that goes quiet this long (its replica paused or cut off), which frees the
     * lease row for a takeover; a healthy leader's transaction never waits on itself that long.
     */
    private static final String IDLE_TIMEOUT = "2s";

    private final Sql sql;

    LeaseRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public Lease read()
    {
        return sql.queryOne("SELECT holder, epoch, expires_at FROM control_plane_lease WHERE id = 1",
                        row -> new Lease(row.getString("holder"), row.getLong("epoch"), Instant.ofEpochMilli(row.getLong("expires_at"))))
                .orElseThrow(() -> new StoreException("the control_plane_lease row is missing: the store's schema is damaged", null));
    }

    /**
     * Locks the lease row for the rest of the transaction, before reading it: a contender then reads what the others
     * committed and waits for none of them mid-way (on SQLite, a read before the write would fail rather than wait).
     */
    public void lock()
    {
        boundLockWait();
        sql.update("UPDATE control_plane_lease SET epoch = epoch WHERE id = 1");
    }

    /** Takes the lease for candidate in a new term when it is free or lapsed at now; false when someone holds it. */
    public boolean take(String candidate, Instant now, Instant expiresAt)
    {
        boundLockWait();
        return sql.update("UPDATE control_plane_lease SET holder = ?, epoch = epoch + 1, expires_at = ? WHERE id = 1 AND (holder IS NULL OR expires_at <= ?)",
                candidate, expiresAt.toEpochMilli(), now.toEpochMilli()) == 1;
    }

    /** Extends the holder's term to expiresAt; false when another took the lease since (the holder is deposed). */
    public boolean renew(String holder, long epoch, Instant expiresAt)
    {
        boundLockWait();
        return sql.update("UPDATE control_plane_lease SET expires_at = ? WHERE id = 1 AND holder = ? AND epoch = ?",
                expiresAt.toEpochMilli(), holder, epoch) == 1;
    }

    /**
     * True when holder still holds the lease in term epoch, and then keeps the row locked until this transaction ends:
     * a takeover waits for it, so nothing this transaction writes lands after another leader began. False when the
     * lease changed hands.
     */
    public boolean holds(String holder, long epoch)
    {
        if (sql.isPostgreSql()) {
            sql.update("SET LOCAL idle_in_transaction_session_timeout = '" + IDLE_TIMEOUT + "'");
        }
        return sql.update("UPDATE control_plane_lease SET epoch = epoch WHERE id = 1 AND holder = ? AND epoch = ?", holder, epoch) == 1;
    }

    /** Gives the lease up (a replica shutting down), so another takes it at once rather than after it lapses. */
    public boolean release(String holder, long epoch)
    {
        return sql.update("UPDATE control_plane_lease SET holder = NULL, expires_at = 0 WHERE id = 1 AND holder = ? AND epoch = ?", holder, epoch) == 1;
    }

    private void boundLockWait()
    {
        if (sql.isPostgreSql()) {
            sql.update("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            // a renewal cut off between its UPDATE and its COMMIT would otherwise hold the row, and so the lease, for good
            sql.update("SET LOCAL idle_in_transaction_session_timeout = '" + IDLE_TIMEOUT + "'");
        }
    }
}
