package io.berth.controlplane.store;

/**
 * A check that runs first in every transaction of a fenced piece of work ({@link Store#fenced}), inside that
 * transaction: it throws to refuse the transaction, which then rolls back. The leader's lease check is one: it keeps the
 * lease row locked, so the work's writes commit only while the lease is still the leader's.
 */
@FunctionalInterface
public interface TransactionFence
{
    void check(StoreTransaction transaction);
}
