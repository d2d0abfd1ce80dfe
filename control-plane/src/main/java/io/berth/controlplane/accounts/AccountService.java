package io.berth.controlplane.accounts;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Creates accounts with their first access key, finds the key that signed a request, and keeps each account's
 * isolation tier (the least every task of the account runs at).
 */
public final class AccountService
        implements AccessKeyLookup
{
    private static final Logger log = LoggerFactory.getLogger(AccountService.class);

    public static final String OPERATOR_ACCOUNT_NAME = "operator";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}");
    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final Store store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccountService(Store store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A new tenant account and its access key. A name already taken is a ClientException. */
    public AccessKey createAccount(String name)
    {
        return create(name, false, IsolationTier.CONTAINER);
    }

    /** A new tenant account whose tasks run at least at the isolation tier. */
    public AccessKey createAccount(String name, IsolationTier isolation)
    {
        return create(name, false, requireNonNull(isolation, "isolation is null"));
    }

    /** The account's isolation tier; AccountNotFoundException for an unknown account. */
    public IsolationTier isolation(String accountId)
    {
        return store.inTransaction(transaction -> transaction.accounts().isolation(accountId)).orElseThrow(() -> new AccountNotFoundException(accountId));
    }

    /**
     * Sets the account's isolation tier: tasks started from now on run at least at it (running tasks keep theirs).
     * AccountNotFoundException for an unknown account.
     */
    public IsolationTier setIsolation(String accountId, IsolationTier isolation)
    {
        requireNonNull(isolation, "isolation is null");
        boolean found = store.inTransaction(transaction -> transaction.accounts().setIsolation(accountId, isolation));
        if (!found) {
            throw new AccountNotFoundException(accountId);
        }
        log.info("Isolation of account {} set to {}", accountId, isolation.wireName());
        return isolation;
    }

    /**
     * The operator account's key, creating the account on first start. Later starts return the existing key,
     * so `berth up` can print the same credentials every time.
     */
    public AccessKey bootstrapOperator()
    {
        Optional<AccessKey> existing = store.inTransaction(transaction -> transaction.accounts().findOperator()
                .flatMap(operator -> transaction.accounts().accessKeysOf(operator.accountId()).stream().findFirst()));
        if (existing.isPresent()) {
            return existing.get();
        }
        AccessKey key = create(OPERATOR_ACCOUNT_NAME, true, IsolationTier.CONTAINER);
        log.info("Created operator account {} with access key {}", key.account().accountId(), key.accessKeyId());
        return key;
    }

    public List<Account> listAccounts()
    {
        return store.inTransaction(transaction -> transaction.accounts().list());
    }

    public Optional<Account> findAccount(String accountId)
    {
        return store.inTransaction(transaction -> transaction.accounts().findById(accountId));
    }

    @Override
    public Optional<AccessKey> findAccessKey(String accessKeyId)
    {
        if (accessKeyId == null) {
            return Optional.empty();
        }
        return store.inTransaction(transaction -> transaction.accounts().findAccessKey(accessKeyId));
    }

    private AccessKey create(String name, boolean operator, IsolationTier isolation)
    {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidRequestException.refused("Invalid account name '" + name + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        AccessKey key = store.inTransaction(transaction -> {
            if (transaction.accounts().findByName(name).isPresent()) {
                throw InvalidRequestException.refused("An account named '" + name + "' already exists.");
            }
            String accountId = newAccountId();
            while (transaction.accounts().findById(accountId).isPresent()) {
                accountId = newAccountId();
            }
            Account account = new Account(accountId, name, operator);
            AccessKey accessKey = new AccessKey(newAccessKeyId(), newSecret(), account);
            transaction.accounts().insert(account, clock.instant());
            transaction.accounts().insertAccessKey(accessKey, clock.instant());
            transaction.accounts().setIsolation(accountId, isolation);
            return accessKey;
        });
        log.info("Created account {} ({}), isolation {}", key.account().accountId(), name, isolation.wireName());
        return key;
    }

    private String newAccountId()
    {
        StringBuilder id = new StringBuilder();
        id.append(1 + random.nextInt(9)); // no leading zero, so the id survives being read as a number
        for (int i = 1; i < 12; i++) {
            id.append(random.nextInt(10));
        }
        return id.toString();
    }

    private String newAccessKeyId()
    {
        // AKIA + 16 base32 characters, the shape of AWS long-term key ids that clients and tools expect
        return "AKIA" + randomString(KEY_ID_ALPHABET, 16);
    }

    private String newSecret()
    {
        return randomString(SECRET_ALPHABET, 40);
    }

    private String randomString(String alphabet, int length)
    {
        StringBuilder value = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }
}
