package io.berth.controlplane.quotas;

import io.berth.controlplane.accounts.AccountNotFoundException;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The operator's per-account quotas over the server's defaults: sets them, checks a RunTask against them inside
 * the RunTask's transaction, and answers the API edge's rate lookups from a short cache (a change made through
 * this control plane shows at once; one made through another replica within {@link #RATE_CACHE}).
 */
public final class AccountLimitsService
        implements RequestRates
{
    private static final Logger log = LoggerFactory.getLogger(AccountLimitsService.class);
    static final Duration RATE_CACHE = Duration.ofSeconds(5);

    private final Store store;
    private final AccountLimits defaults;
    private final Clock clock;
    private final Map<String, CachedRate> rates = new ConcurrentHashMap<>();

    public AccountLimitsService(Store store, AccountLimits defaults, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.defaults = requireNonNull(defaults, "defaults is null").orElse(AccountLimits.UNLIMITED);
        this.clock = requireNonNull(clock, "clock is null");
    }

    public AccountLimits defaults()
    {
        return defaults;
    }

    /**
     * Sets the fields of changes that are not null (0 lifts that quota for the account); the others keep their
     * value. AccountNotFoundException for an unknown account. Returns the account's quotas as now configured.
     */
    public AccountLimits set(String accountId, AccountLimits changes)
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(changes, "changes is null");
        AccountLimits stored = store.inTransaction(transaction -> {
            AccountLimits current = transaction.accounts().limits(accountId).orElseThrow(() -> new AccountNotFoundException(accountId));
            AccountLimits updated = changes.orElse(current);
            transaction.accounts().setLimits(accountId, updated);
            return updated;
        });
        rates.remove(accountId);
        log.info("Quotas of account {} set to {} (defaults {})", accountId, stored, defaults);
        return stored;
    }

    /** The quotas the operator set for the account (null fields: the default applies). */
    public AccountLimits configured(String accountId)
    {
        return store.inTransaction(transaction -> transaction.accounts().limits(accountId)).orElseThrow(() -> new AccountNotFoundException(accountId));
    }

    /** The quotas in force for the account: its own where set, the server's defaults elsewhere. */
    public AccountLimits effective(String accountId)
    {
        return configured(accountId).orElse(defaults);
    }

    /**
     * Throws QuotaExceededException when count more tasks of cpuUnits each would take the account past a quota.
     * Call inside the transaction that inserts them: it locks the account's row, so concurrent RunTasks of one
     * account are counted one after the other.
     */
    public void check(StoreTransaction transaction, String accountId, int count, long cpuUnits)
    {
        AccountLimits limits = transaction.accounts().limits(accountId).orElseThrow(() -> new AccountNotFoundException(accountId)).orElse(defaults);
        if (limits.maxCpuUnits() == 0 && limits.maxTasks() == 0 && limits.maxWaiting() == 0) {
            return;
        }
        transaction.accounts().lockForQuota(accountId);
        List<Task> active = transaction.tasks().notStoppedOf(accountId);
        AccountUsage usage = new AccountUsage(
                active.stream().mapToLong(Task::cpu).sum(),
                active.size(),
                active.stream().filter(task -> task.state().lastStatus() == TaskStatus.PROVISIONING).count());
        QuotaCheck.refusal(limits, usage, count, cpuUnits).ifPresent(message -> {
            throw new QuotaExceededException(message);
        });
    }

    @Override
    public double requestsPerSecond(String accountId)
    {
        Instant now = clock.instant();
        CachedRate cached = rates.get(accountId);
        if (cached == null || !now.isBefore(cached.readAt().plus(RATE_CACHE))) {
            double rate = store.inTransaction(transaction -> transaction.accounts().limits(accountId))
                    .map(limits -> limits.orElse(defaults).requestsPerSecond())
                    .orElse(defaults.requestsPerSecond());
            cached = new CachedRate(rate, now);
            rates.put(accountId, cached);
        }
        return cached.rate();
    }

    private record CachedRate(double rate, Instant readAt) {}
}
