package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** ECS account settings, keyed by account, principal and name. */
public final class AccountSettingRows
{
    private final Sql sql;

    AccountSettingRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void put(String accountId, String principalArn, String name, String value)
    {
        sql.update("INSERT INTO account_settings (account_id, principal_arn, name, setting_value) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (account_id, principal_arn, name) DO UPDATE SET setting_value = excluded.setting_value", accountId, principalArn, name, value);
    }

    public Optional<String> find(String accountId, String principalArn, String name)
    {
        return sql.queryOne("SELECT setting_value FROM account_settings WHERE account_id = ? AND principal_arn = ? AND name = ?",
                row -> row.getString(1), accountId, principalArn, name);
    }

    public void delete(String accountId, String principalArn, String name)
    {
        sql.update("DELETE FROM account_settings WHERE account_id = ? AND principal_arn = ? AND name = ?", accountId, principalArn, name);
    }
}
