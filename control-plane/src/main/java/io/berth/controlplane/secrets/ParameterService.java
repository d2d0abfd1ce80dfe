package io.berth.controlplane.secrets;

import io.berth.controlplane.resources.Page;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * SSM Parameter Store's parameters of each account: put (a new parameter at version 1, or with overwrite the next
 * version), get one or several, get by path (a level, or recursively), delete. Every value is sealed at rest; a
 * SecureString's value is handed out in clear only when asked to decrypt, else as its ciphertext, as SSM does.
 */
public final class ParameterService
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-/]{1,2048}");
    private static final int MAX_VALUE_CHARS = 4096;
    private static final int MAX_PATH_RESULTS = 10_000;

    private final Store store;
    private final SecretCipher cipher;
    private final Clock clock;

    public ParameterService(Store store, SecretCipher cipher, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.cipher = requireNonNull(cipher, "cipher is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A parameter with the value a caller may see: clear, or the ciphertext of a SecureString read without decryption. */
    public record ReadParameter(Parameter parameter, String value) {}

    /** PutParameter: returns the new version. type may be null only when overwriting (the type stays). */
    public long put(String accountId, String name, Parameter.ParameterType type, String value, String description, boolean overwrite)
    {
        checkName(name);
        if (value == null || value.isEmpty()) {
            throw invalid("Parameter value can't be empty: give a Value of 1 to " + MAX_VALUE_CHARS + " characters.");
        }
        if (value.length() > MAX_VALUE_CHARS) {
            throw invalid("Standard tier parameters support a maximum parameter value of " + MAX_VALUE_CHARS + " characters.");
        }
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Optional<Parameter> existing = transaction.parameters().find(accountId, name);
            if (existing.isEmpty()) {
                if (type == null) {
                    throw invalid("A parameter type is required when you create a parameter.");
                }
                Parameter created = new Parameter(accountId, name, type, cipher.seal(value, Parameter.sealingContext(accountId, name, 1)), 1, description, now);
                if (!transaction.parameters().insertIfAbsent(created)) {
                    throw alreadyExists();
                }
                return 1L;
            }
            if (!overwrite) {
                throw alreadyExists();
            }
            Parameter before = existing.get();
            long version = before.version() + 1;
            Parameter replaced = new Parameter(accountId, name, type == null ? before.type() : type,
                    cipher.seal(value, Parameter.sealingContext(accountId, name, version)), version,
                    description == null ? before.description() : description, now);
            if (!transaction.parameters().replace(replaced)) {
                throw new SecretsException(SecretsException.Kind.INVALID_REQUEST, "Another PutParameter of " + name + " changed it at the same time; try again.");
            }
            return version;
        });
    }

    /** GetParameter. */
    public ReadParameter get(String accountId, String name, boolean decrypt)
    {
        checkName(name);
        return store.inTransaction(transaction -> read(transaction, accountId, name, decrypt))
                .orElseThrow(() -> SecretsException.notFound("Parameter " + name + " not found."));
    }

    /** GetParameters: those found, in the order asked, and the names not found. */
    public record Found(List<ReadParameter> parameters, List<String> invalid) {}

    public Found getAll(String accountId, List<String> names, boolean decrypt)
    {
        if (names == null || names.isEmpty() || names.size() > 10) {
            throw invalid("Names must hold 1 to 10 parameter names.");
        }
        return store.inTransaction(transaction -> {
            List<ReadParameter> found = new ArrayList<>();
            List<String> invalid = new ArrayList<>();
            for (String name : names.stream().distinct().toList()) {
                Optional<ReadParameter> read = NAME.matcher(name).matches() ? read(transaction, accountId, name, decrypt) : Optional.empty();
                read.ifPresentOrElse(found::add, () -> invalid.add(name));
            }
            return new Found(found, invalid);
        });
    }

    /** GetParametersByPath: the parameters one level under path, or every level when recursive. */
    public Page<ReadParameter> byPath(String accountId, String path, boolean recursive, boolean decrypt, int offset, int maxResults)
    {
        if (path == null || !path.startsWith("/") || !NAME.matcher(path).matches()) {
            throw invalid("The parameter path must start with a forward slash (/), e.g. /prod/db, and use only a-z, A-Z, 0-9, _ . - and /.");
        }
        String prefix = path.endsWith("/") ? path : path + "/";
        return store.inTransaction(transaction -> {
            List<Parameter> under = transaction.parameters().withPrefix(accountId, path.equals("/") ? "/" : prefix, 0, MAX_PATH_RESULTS).stream()
                    .filter(parameter -> recursive || parameter.name().indexOf('/', prefix.length()) < 0)
                    .toList();
            List<ReadParameter> page = under.stream().skip(offset).limit(maxResults + 1L).map(parameter -> readable(parameter, decrypt)).toList();
            return Page.of(page, offset, maxResults);
        });
    }

    /** DeleteParameter. */
    public void delete(String accountId, String name)
    {
        checkName(name);
        boolean deleted = store.inTransaction(transaction -> transaction.parameters().delete(accountId, name));
        if (!deleted) {
            throw SecretsException.notFound("Parameter " + name + " not found.");
        }
    }

    /** For a task's secrets: the parameter's value in clear, read inside the caller's transaction; empty when there is none. */
    Optional<String> valueFor(StoreTransaction transaction, String accountId, String name)
    {
        return NAME.matcher(name).matches() ? read(transaction, accountId, name, true).map(ReadParameter::value) : Optional.empty();
    }

    private Optional<ReadParameter> read(StoreTransaction transaction, String accountId, String name, boolean decrypt)
    {
        return transaction.parameters().find(accountId, name).map(parameter -> readable(parameter, decrypt));
    }

    private ReadParameter readable(Parameter parameter, boolean decrypt)
    {
        if (parameter.type() == Parameter.ParameterType.SecureString && !decrypt) {
            // SSM hands out a SecureString's ciphertext unless asked to decrypt; here that is the sealed value's body
            return new ReadParameter(parameter, parameter.sealedValue().substring(parameter.sealedValue().indexOf(':') + 1));
        }
        return new ReadParameter(parameter, cipher.openString(parameter.sealedValue(), Parameter.sealingContext(parameter.accountId(), parameter.name(), parameter.version())));
    }

    private static void checkName(String name)
    {
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("Parameter name: a name is 1 to 2048 of a-z, A-Z, 0-9, _ . - and /" + (name == null ? ", and is required." : "; got '" + name + "'."));
        }
        if (name.contains("//") || (name.contains("/") && !name.startsWith("/"))) {
            throw invalid("Parameter name: a name with slashes must be fully qualified, starting with /, without empty levels: '" + name + "'.");
        }
        String first = (name.startsWith("/") ? name.substring(1) : name).toLowerCase(java.util.Locale.ROOT);
        if (first.startsWith("aws") || first.startsWith("ssm")) {
            throw invalid("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).");
        }
    }

    private static SecretsException invalid(String message)
    {
        return new SecretsException(SecretsException.Kind.INVALID_PARAMETER, message);
    }

    private static SecretsException alreadyExists()
    {
        return new SecretsException(SecretsException.Kind.ALREADY_EXISTS, "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    }
}
