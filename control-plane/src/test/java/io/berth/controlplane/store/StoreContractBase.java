package io.berth.controlplane.store;

import io.berth.controlplane.accounts.Account;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The set-up of a store contract test: a store opened for each test on the database the subclass names (SQLite
 * or PostgreSQL), and accounts to test with. The tests of one class share a database, so each makes its own
 * accounts, with random ids.
 */
abstract class StoreContractBase
{
    protected static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    protected Store store;

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

    /** A new account with a random twelve-digit id, created at {@link #T0}. */
    protected String newAccount()
    {
        String accountId = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        store.useTransaction(transaction -> transaction.accounts().insert(new Account(accountId, "account-" + accountId, false), T0));
        return accountId;
    }
}
