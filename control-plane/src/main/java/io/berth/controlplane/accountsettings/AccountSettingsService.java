package io.berth.controlplane.accountsettings;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting and ListAccountSettings. A principal's effective
 * value is its own setting, else the account's default, else ECS's. Berth has no IAM users: a caller is its
 * account's root principal (arn:aws:iam::ACCOUNT:root), and a setting may name a user or role ARN of the same account.
 */
public final class AccountSettingsService
{
    private static final Logger log = LoggerFactory.getLogger(AccountSettingsService.class);
    /** The principal under which the account's default is stored. */
    public static final String DEFAULT_PRINCIPAL = "*";

    private final Store store;

    public AccountSettingsService(Store store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    public static String rootPrincipal(String accountId)
    {
        return "arn:aws:iam::" + accountId + ":root";
    }

    public AccountSetting put(String accountId, String principalArn, String name, String value)
    {
        AccountSettingNames.check(name, value);
        String principal = principal(accountId, principalArn);
        store.useTransaction(transaction -> transaction.accountSettings().put(accountId, principal, name, value));
        log.info("Account {} set {}={} for {}", accountId, name, value, principal);
        return new AccountSetting(name, value, principal, AccountSetting.USER);
    }

    public AccountSetting putDefault(String accountId, String name, String value)
    {
        AccountSettingNames.check(name, value);
        store.useTransaction(transaction -> transaction.accountSettings().put(accountId, DEFAULT_PRINCIPAL, name, value));
        log.info("Account {} set its default {}={}", accountId, name, value);
        return new AccountSetting(name, value, rootPrincipal(accountId), AccountSetting.USER);
    }

    public AccountSetting delete(String accountId, String principalArn, String name)
    {
        AccountSettingNames.checkName(name);
        String principal = principal(accountId, principalArn);
        String value = store.inTransaction(transaction -> {
            Optional<String> current = transaction.accountSettings().find(accountId, principal, name);
            current.ifPresent(ignored -> transaction.accountSettings().delete(accountId, principal, name));
            return current.orElseThrow(() -> InvalidRequestException.invalidValue("Account setting " + name + " is not set for " + principal + "."));
        });
        log.info("Account {} removed {} of {}", accountId, name, principal);
        return new AccountSetting(name, value, principal, AccountSetting.USER);
    }

    /**
     * The settings of one principal (the caller's unless principalArn names another of the account): those it set
     * itself, or with effective every setting with the value it has. name and value filter (null: any).
     */
    public List<AccountSetting> list(String accountId, String principalArn, String name, String value, boolean effective)
    {
        if (name != null) {
            AccountSettingNames.checkName(name);
        }
        String principal = principal(accountId, principalArn);
        List<String> names = name == null ? AccountSettingNames.names() : List.of(name);
        return store.inTransaction(transaction -> {
            List<AccountSetting> settings = new ArrayList<>();
            for (String candidate : names) {
                Optional<String> own = transaction.accountSettings().find(accountId, principal, candidate);
                AccountSetting setting;
                if (own.isPresent()) {
                    setting = new AccountSetting(candidate, own.get(), principal, AccountSetting.USER);
                }
                else if (!effective) {
                    continue;
                }
                else {
                    Optional<String> accountDefault = transaction.accountSettings().find(accountId, DEFAULT_PRINCIPAL, candidate);
                    setting = accountDefault
                            .map(defaultValue -> new AccountSetting(candidate, defaultValue, principal, AccountSetting.USER))
                            .orElseGet(() -> new AccountSetting(candidate, AccountSettingNames.awsDefault(candidate), principal, AccountSetting.AWS_MANAGED));
                }
                if (value == null || value.equals(setting.value())) {
                    settings.add(setting);
                }
            }
            return settings;
        });
    }

    private static String principal(String accountId, String principalArn)
    {
        if (principalArn == null || principalArn.isEmpty()) {
            return rootPrincipal(accountId);
        }
        String prefix = "arn:aws:iam::" + accountId + ":";
        String resource = principalArn.startsWith(prefix) ? principalArn.substring(prefix.length()) : null;
        if (resource == null || !(resource.equals("root") || resource.startsWith("user/") || resource.startsWith("role/"))) {
            throw InvalidRequestException.invalidValue("Invalid principalArn '" + principalArn + "': give the root, a user or a role of your own account ("
                    + prefix + "root, " + prefix + "user/NAME or " + prefix + "role/NAME).");
        }
        return principalArn;
    }
}
