package io.berth.controlplane.store;

import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Accounts and their access keys. */
public final class AccountRows
{
    private final Sql sql;

    AccountRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void insert(Account account, Instant createdAt)
    {
        sql.update("INSERT INTO accounts (account_id, name, operator, created_at) VALUES (?, ?, ?, ?)",
                account.accountId(), account.name(), account.operator(), createdAt.toEpochMilli());
    }

    public void insertAccessKey(AccessKey key, Instant createdAt)
    {
        sql.update("INSERT INTO access_keys (access_key_id, secret_access_key, account_id, created_at) VALUES (?, ?, ?, ?)",
                key.accessKeyId(), key.secretAccessKey(), key.account().accountId(), createdAt.toEpochMilli());
    }

    public Optional<Account> findById(String accountId)
    {
        return sql.queryOne("SELECT account_id, name, operator FROM accounts WHERE account_id = ?", AccountRows::account, accountId);
    }

    public Optional<Account> findByName(String name)
    {
        return sql.queryOne("SELECT account_id, name, operator FROM accounts WHERE name = ?", AccountRows::account, name);
    }

    public List<Account> list()
    {
        return sql.query("SELECT account_id, name, operator FROM accounts ORDER BY created_at, account_id", AccountRows::account);
    }

    public Optional<Account> findOperator()
    {
        return sql.query("SELECT account_id, name, operator FROM accounts WHERE operator = ? ORDER BY created_at", AccountRows::account, true)
                .stream().findFirst();
    }

    public Optional<AccessKey> findAccessKey(String accessKeyId)
    {
        return sql.queryOne("""
                SELECT k.access_key_id, k.secret_access_key, a.account_id, a.name, a.operator
                FROM access_keys k JOIN accounts a ON a.account_id = k.account_id
                WHERE k.access_key_id = ?""", AccountRows::accessKey, accessKeyId);
    }

    public List<AccessKey> accessKeysOf(String accountId)
    {
        return sql.query("""
                SELECT k.access_key_id, k.secret_access_key, a.account_id, a.name, a.operator
                FROM access_keys k JOIN accounts a ON a.account_id = k.account_id
                WHERE a.account_id = ? ORDER BY k.created_at, k.access_key_id""", AccountRows::accessKey, accountId);
    }

    private static Account account(ResultSet row)
            throws SQLException
    {
        return new Account(row.getString("account_id"), row.getString("name"), row.getBoolean("operator"));
    }

    private static AccessKey accessKey(ResultSet row)
            throws SQLException
    {
        return new AccessKey(row.getString("access_key_id"), row.getString("secret_access_key"), account(row));
    }
}
