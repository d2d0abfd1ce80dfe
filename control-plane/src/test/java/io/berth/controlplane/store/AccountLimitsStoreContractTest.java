package io.berth.controlplane.store;

import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.quotas.AccountLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts' quotas in the store; run against SQLite and PostgreSQL by the subclasses. The tests of one class
 * share a database, so each uses its own accounts.
 */
abstract class AccountLimitsStoreContractTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Store store;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStore()
    {
        store = Store.open(jdbcUrl());
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

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

    private String newAccount()
    {
        String accountId = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        store.useTransaction(transaction -> transaction.accounts().insert(new Account(accountId, "account-" + accountId, false), T0));
        return accountId;
    }
}
