package io.berth.controlplane.agents;

import io.berth.controlplane.store.StoreTransaction;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The hosts that hold a task (placed, not STOPPED) of an account, kept per account at the store's placed tasks' epoch:
 * the hosts a sync wakes when it brings a task address of that account. The query reads every live task of the account
 * (6 ms a call on PostgreSQL with 5,000 tasks, one per task start: a quarter of PostgreSQL's CPU in the scale benchmark,
 * docs/benchmarks.md), and its answer changes only with what the placed tasks' epoch follows (a task placed, moved or
 * stopped: the account of a task never changes), so an answer read at an epoch serves every sync that reads that epoch.
 * A transaction that itself changed placed tasks reads the store, whose answer holds its own changes.
 */
final class AccountHosts
{
    /** Accounts whose answers are kept at most; past it the memo starts afresh. */
    private static final int MAX_ACCOUNTS = 10_000;

    private final ConcurrentMap<String, Kept> byAccount = new ConcurrentHashMap<>();

    /** The hosts of one account's tasks, read at a placed tasks' epoch. */
    private record Kept(long epoch, Set<String> hosts) {}

    /** The hosts that hold a task, not STOPPED, of any of accountIds, as transaction reads them. */
    Set<String> holdingTasksOf(StoreTransaction transaction, Collection<String> accountIds)
    {
        if (transaction.changesPlacedTasks()) {
            return transaction.tasks().hostsHoldingTasksOf(accountIds);
        }
        // read before the rows, as the epoch's own rule asks: rows read after are at least that new
        long epoch = transaction.placedTasksEpoch();
        Set<String> hosts = new TreeSet<>();
        for (String accountId : accountIds) {
            Kept kept = byAccount.get(accountId);
            if (kept == null || kept.epoch() != epoch) {
                kept = new Kept(epoch, Set.copyOf(transaction.tasks().hostsHoldingTasksOf(List.of(accountId))));
                if (byAccount.size() >= MAX_ACCOUNTS) {
                    byAccount.clear();
                }
                byAccount.put(accountId, kept);
            }
            hosts.addAll(kept.hosts());
        }
        return hosts;
    }
}
