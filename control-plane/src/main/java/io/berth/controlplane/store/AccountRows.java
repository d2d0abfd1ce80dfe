package io.berth.controlplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.json.Json;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.quotas.AccountLimits;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Accounts, their access keys, and the egress policies, quotas and isolation tiers the operator set. */
public final class AccountRows
{
    private final Sql sql;
    private final NetworkChanges networkChanges;

    AccountRows(Sql sql, NetworkChanges networkChanges)
    {
        this.sql = requireNonNull(sql, "sql is null");
        this.networkChanges = requireNonNull(networkChanges, "networkChanges is null");
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

    /** Sets the account's egress policy, null for unrestricted; false when no such account. */
    public boolean setEgress(String accountId, EgressPolicy policy)
    {
        boolean set = sql.update("UPDATE accounts SET egress_allowed = ? WHERE account_id = ?",
                policy == null ? null : JsonBodies.write(policy.allowedCidrs()), accountId) == 1;
        if (set) {
            // every host's plan lists the restricted accounts
            networkChanges.changed();
        }
        return set;
    }

    /** The quotas the operator set for the account (fields not set are null); empty when no such account. */
    public Optional<AccountLimits> limits(String accountId)
    {
        return sql.queryOne("SELECT max_cpu_units, max_tasks, max_waiting, requests_per_second FROM accounts WHERE account_id = ?",
                row -> new AccountLimits(Sql.nullableLong(row, "max_cpu_units"), Sql.nullableLong(row, "max_tasks"), Sql.nullableLong(row, "max_waiting"),
                        nullableDouble(row, "requests_per_second")),
                accountId);
    }

    /** Stores the account's quotas as given (null fields: the server's default); false when no such account. */
    public boolean setLimits(String accountId, AccountLimits limits)
    {
        return sql.update("UPDATE accounts SET max_cpu_units = ?, max_tasks = ?, max_waiting = ?, requests_per_second = ? WHERE account_id = ?",
                limits.maxCpuUnits(), limits.maxTasks(), limits.maxWaiting(), limits.requestsPerSecond(), accountId) == 1;
    }

    /** The account's isolation tier; empty when no such account. */
    public Optional<IsolationTier> isolation(String accountId)
    {
        return sql.queryOne("SELECT isolation FROM accounts WHERE account_id = ?", row -> storedTier(row.getString("isolation")), accountId);
    }

    /** Sets the account's isolation tier; false when no such account. */
    public boolean setIsolation(String accountId, IsolationTier tier)
    {
        return sql.update("UPDATE accounts SET isolation = ? WHERE account_id = ?", tier.wireName(), accountId) == 1;
    }

    private static IsolationTier storedTier(String name)
    {
        return IsolationTier.fromWireName(name).orElseThrow(() -> new StoreException("Unknown stored isolation tier '" + name + "'", null));
    }

    /**
     * Holds the account's row until the transaction ends, so that two RunTask calls of one account check its
     * quotas one after the other (on PostgreSQL; SQLite runs one writer at a time anyway).
     */
    public void lockForQuota(String accountId)
    {
        sql.update("UPDATE accounts SET account_id = account_id WHERE account_id = ?", accountId);
    }

    private static Double nullableDouble(ResultSet row, String column)
            throws SQLException
    {
        double value = row.getDouble(column);
        return row.wasNull() ? null : value;
    }

    /** The accounts whose egress the operator restricted, by account id. */
    public Map<String, EgressPolicy> restrictedEgress()
    {
        Map<String, EgressPolicy> policies = new LinkedHashMap<>();
        sql.query("SELECT account_id, egress_allowed FROM accounts WHERE egress_allowed IS NOT NULL ORDER BY account_id",
                        row -> Map.entry(row.getString("account_id"), new EgressPolicy(readCidrs(row.getString("egress_allowed")))))
                .forEach(entry -> policies.put(entry.getKey(), entry.getValue()));
        return policies;
    }

    private static List<String> readCidrs(String json)
    {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() {});
        }
        catch (JsonProcessingException e) {
            throw new StoreException("Cannot decode a stored egress policy: " + e.getOriginalMessage(), e);
        }
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
