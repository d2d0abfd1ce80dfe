package io.berth.controlplane.store;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.quotas.AccountLimits;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts' quotas and isolation tiers in the store; run against SQLite and PostgreSQL by the subclasses. The tests of one class
 * share a database, so each uses its own accounts.
 */
abstract class AccountLimitsStoreContractTest
        extends StoreContractBase
{
    @Test
    void aNewAccountHasNoQuotaSet()
    {
        String accountId = newAccount();
        assertThat(limits(accountId)).hasValue(AccountLimits.NONE_SET);
    }

    @Test
    void quotasAreStoredAndReadBack()
    {
        String accountId = newAccount();
        AccountLimits limits = new AccountLimits(AccountLimits.cpuUnits(2.5), 10L, 0L, 0.5);
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.accounts().setLimits(accountId, limits))).isTrue();
        assertThat(limits(accountId)).hasValue(limits);

        AccountLimits partly = new AccountLimits(null, 3L, null, null);
        store.useTransaction(transaction -> transaction.accounts().setLimits(accountId, partly));
        assertThat(limits(accountId)).hasValue(partly);
    }

    @Test
    void anUnknownAccountHasNoQuotas()
    {
        assertThat(limits("000000000001")).isEmpty();
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.accounts().setLimits("000000000001", AccountLimits.UNLIMITED))).isFalse();
    }

    @Test
    void lockingForAQuotaCheckKeepsTheQuotas()
    {
        String accountId = newAccount();
        AccountLimits limits = new AccountLimits(1024L, 1L, 1L, 1.0);
        store.useTransaction(transaction -> {
            transaction.accounts().setLimits(accountId, limits);
            transaction.accounts().lockForQuota(accountId);
        });
        assertThat(limits(accountId)).hasValue(limits);
    }

    private Optional<AccountLimits> limits(String accountId)
    {
        return store.inTransaction(transaction -> transaction.accounts().limits(accountId));
    }

    @Test
    void anAccountStartsAtTheContainerTierAndKeepsTheTierSet()
    {
        String accountId = newAccount();
        assertThat(isolation(accountId)).hasValue(IsolationTier.CONTAINER);

        assertThat(store.<Boolean>inTransaction(transaction -> transaction.accounts().setIsolation(accountId, IsolationTier.SANDBOX))).isTrue();
        assertThat(isolation(accountId)).hasValue(IsolationTier.SANDBOX);
        assertThat(isolation("000000000001")).isEmpty();
        assertThat(store.<Boolean>inTransaction(transaction -> transaction.accounts().setIsolation("000000000001", IsolationTier.SANDBOX))).isFalse();
    }

    private Optional<IsolationTier> isolation(String accountId)
    {
        return store.inTransaction(transaction -> transaction.accounts().isolation(accountId));
    }
}
