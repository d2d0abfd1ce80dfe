package io.berth.controlplane.secrets;

import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.SecretRows;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Secrets Manager's secrets of each account: create, read and write versions (a new version becomes AWSCURRENT, the
 * one before AWSPREVIOUS, older ones are dropped), describe, list and delete (scheduled after a recovery window, or
 * at once when forced). A secret is found by name or by its full ARN, within the caller's account only: another
 * account's secret is not found, never refused, so nothing tells that it exists.
 */
public final class SecretService
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final Pattern VERSION_ID = Pattern.compile("[A-Za-z0-9-]{32,64}");
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int MAX_VALUE_BYTES = 65_536;
    private static final int MAX_TAGS = 50;
    private static final int MAX_DESCRIPTION_LENGTH = 2048;
    public static final int DEFAULT_RECOVERY_DAYS = 30;
    private static final String NOT_FOUND = "Secrets Manager can't find the specified secret.";

    private final Store store;
    private final SecretCipher cipher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SecretService(Store store, SecretCipher cipher, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.cipher = requireNonNull(cipher, "cipher is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A secret and the version a call made or read. */
    public record SecretAndVersion(Secret secret, SecretVersion version) {}

    /** A version's value in clear, with where it came from. */
    public record ReadValue(Secret secret, SecretVersion version, SecretValue value) {}

    /** A secret and its versions that carry a staging label. */
    public record DescribedSecret(Secret secret, List<SecretVersion> versions) {}

    /** CreateSecret: the secret, and its first version (AWSCURRENT) when a value is given (else version is null). */
    public SecretAndVersion create(String accountId, String region, String name, String description, List<Tag> tags, String clientRequestToken, SecretValue value)
    {
        if (name == null || !NAME.matcher(name).matches()) {
            throw SecretsException.invalidParameter("Invalid name: a secret's Name is 1 to 512 of the characters A-Z a-z 0-9 / _ + = . @ -" + (name == null ? " and is required." : "."));
        }
        checkValue(value);
        tags.forEach(SecretService::checkTag);
        if (tags.size() > MAX_TAGS) {
            throw SecretsException.invalidParameter("A secret can have at most " + MAX_TAGS + " tags, got " + tags.size() + ".");
        }
        String versionId = versionId(clientRequestToken);
        Instant now = clock.instant();
        String arn = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix();
        Secret secret = new Secret(accountId, name, arn, description, tags, now, now, null, null);
        return store.inTransaction(transaction -> {
            SecretRows rows = transaction.secrets();
            Optional<Secret> existing = live(transaction, rows.findByName(accountId, name), now);
            if (existing.isPresent()) {
                if (existing.get().scheduledForDeletion()) {
                    throw SecretsException.invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
                }
                throw new SecretsException(SecretsException.Kind.ALREADY_EXISTS, "The operation failed because the secret " + name + " already exists.");
            }
            if (!rows.insertIfAbsent(secret)) {
                throw new SecretsException(SecretsException.Kind.ALREADY_EXISTS, "The operation failed because the secret " + name + " already exists.");
            }
            if (value == null) {
                return new SecretAndVersion(secret, null);
            }
            SecretVersion version = seal(arn, versionId, List.of(SecretVersion.CURRENT), value, now);
            rows.insertVersion(version);
            return new SecretAndVersion(secret, version);
        });
    }

    /** GetSecretValue: the version named by id or stage (AWSCURRENT when neither is given). */
    public ReadValue value(String accountId, String secretId, String versionId, String versionStage)
    {
        return store.inTransaction(transaction -> {
            Secret secret = usable(transaction, accountId, secretId, "perform this operation on");
            SecretVersion version = version(transaction.secrets().versions(secret.arn()), versionId, versionStage);
            return new ReadValue(secret, version, open(version));
        });
    }

    /** PutSecretValue: a new version that becomes AWSCURRENT; the one that was moves to AWSPREVIOUS. */
    public SecretAndVersion put(String accountId, String secretId, String clientRequestToken, SecretValue value, List<String> versionStages)
    {
        if (value == null) {
            throw SecretsException.invalidParameter("You must provide either SecretString or SecretBinary.");
        }
        checkValue(value);
        if (versionStages != null && !versionStages.equals(List.of(SecretVersion.CURRENT))) {
            throw SecretsException.invalidParameter("Berth's Secrets Manager moves only the AWSCURRENT and AWSPREVIOUS stages; leave out VersionStages or give [\"AWSCURRENT\"].");
        }
        String versionId = versionId(clientRequestToken);
        Instant now = clock.instant();
        return store.inTransaction(transaction -> putVersion(transaction, usable(transaction, accountId, secretId, "perform this operation on"), versionId, value, now));
    }

    /**
     * UpdateSecret: a new Description when one is given, and a new AWSCURRENT version when a value is given (as
     * PutSecretValue; version is null without a value). A secret scheduled for deletion cannot be updated.
     */
    public SecretAndVersion update(String accountId, String secretId, String description, String clientRequestToken, SecretValue value)
    {
        checkValue(value);
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw SecretsException.invalidParameter("Description can have at most " + MAX_DESCRIPTION_LENGTH + " characters.");
        }
        String versionId = value == null ? null : versionId(clientRequestToken);
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Secret secret = usable(transaction, accountId, secretId, "perform this operation on");
            if (description != null) {
                secret = secret.withDescription(description, now);
                transaction.secrets().update(secret);
            }
            return value == null ? new SecretAndVersion(secret, null) : putVersion(transaction, secret, versionId, value, now);
        });
    }

    /** RestoreSecret: a secret scheduled for deletion becomes readable again (a live one stays as it is). */
    public Secret restore(String accountId, String secretId)
    {
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Secret secret = find(transaction, accountId, secretId);
            if (!secret.scheduledForDeletion()) {
                return secret;
            }
            Secret restored = secret.restored(now);
            transaction.secrets().update(restored);
            return restored;
        });
    }

    /** TagResource: the tags are added, a key already there takes the new value; at most {@value #MAX_TAGS} in all. */
    public Secret tag(String accountId, String secretId, List<Tag> tags)
    {
        tags.forEach(SecretService::checkTag);
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Secret secret = find(transaction, accountId, secretId);
            java.util.LinkedHashMap<String, Tag> merged = new java.util.LinkedHashMap<>();
            secret.tags().forEach(tag -> merged.put(tag.key(), tag));
            tags.forEach(tag -> merged.put(tag.key(), tag));
            if (merged.size() > MAX_TAGS) {
                throw SecretsException.invalidParameter("A secret can have at most " + MAX_TAGS + " tags; this would give it " + merged.size() + ".");
            }
            Secret tagged = secret.withTags(List.copyOf(merged.values()), now);
            transaction.secrets().update(tagged);
            return tagged;
        });
    }

    /** UntagResource: the tags of these keys go; a key the secret does not have is no error. */
    public Secret untag(String accountId, String secretId, List<String> keys)
    {
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Secret secret = find(transaction, accountId, secretId);
            Secret untagged = secret.withTags(secret.tags().stream().filter(tag -> !keys.contains(tag.key())).toList(), now);
            transaction.secrets().update(untagged);
            return untagged;
        });
    }

    /** Secrets Manager's tag rules: key 1 to 128 characters, value up to 256, no aws: prefix. */
    static void checkTag(Tag tag)
    {
        if (tag.key().isEmpty() || tag.key().length() > 128) {
            throw SecretsException.invalidParameter("A tag Key must have 1 to 128 characters, got '" + tag.key() + "'.");
        }
        if (tag.value() != null && tag.value().length() > 256) {
            throw SecretsException.invalidParameter("The Value of tag '" + tag.key() + "' can have at most 256 characters.");
        }
        if (tag.key().toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
            throw SecretsException.invalidParameter("Tag keys starting with aws: are reserved for AWS use: '" + tag.key() + "'.");
        }
    }

    /** A new AWSCURRENT version of the secret; the one that was moves to AWSPREVIOUS. A retried token with the same value is that version. */
    private SecretAndVersion putVersion(StoreTransaction transaction, Secret secret, String versionId, SecretValue value, Instant now)
    {
        SecretRows rows = transaction.secrets();
        List<SecretVersion> versions = rows.versions(secret.arn());
        for (SecretVersion existing : versions) {
            if (existing.versionId().equals(versionId)) {
                // a retried call with the same token is the same version; the same token with another value is not
                if (open(existing).equals(value)) {
                    return new SecretAndVersion(secret, existing);
                }
                throw new SecretsException(SecretsException.Kind.ALREADY_EXISTS,
                        "You can't modify an existing version, you can only create a new version. A version with ClientRequestToken " + versionId + " exists already.");
            }
        }
        for (SecretVersion existing : versions) {
            if (existing.has(SecretVersion.CURRENT)) {
                rows.setStages(secret.arn(), existing.versionId(), List.of(SecretVersion.PREVIOUS));
            }
            else if (existing.has(SecretVersion.PREVIOUS)) {
                // a version without a label is deprecated; Secrets Manager removes those, so does Berth
                rows.deleteVersion(secret.arn(), existing.versionId());
            }
        }
        SecretVersion version = seal(secret.arn(), versionId, List.of(SecretVersion.CURRENT), value, now);
        rows.insertVersion(version);
        Secret changed = secret.changed(now);
        rows.update(changed);
        return new SecretAndVersion(changed, version);
    }

    /** DescribeSecret: also of a secret scheduled for deletion. */
    public DescribedSecret describe(String accountId, String secretId)
    {
        return store.inTransaction(transaction -> {
            Secret secret = find(transaction, accountId, secretId);
            return new DescribedSecret(secret, transaction.secrets().versions(secret.arn()));
        });
    }

    /** ListSecrets: the account's secrets by name; those scheduled for deletion when asked. */
    public Page<DescribedSecret> list(String accountId, boolean includeScheduledForDeletion, int offset, int maxResults)
    {
        return store.inTransaction(transaction -> {
            Instant now = clock.instant();
            List<DescribedSecret> described = new ArrayList<>();
            for (Secret secret : transaction.secrets().list(accountId, includeScheduledForDeletion, offset, maxResults + 1)) {
                if (live(transaction, Optional.of(secret), now).isPresent()) {
                    described.add(new DescribedSecret(secret, transaction.secrets().versions(secret.arn())));
                }
            }
            return Page.of(described, offset, maxResults);
        });
    }

    /**
     * DeleteSecret: at once when forced (its name is free again), else scheduled recoveryWindowDays (7 to 30,
     * default 30) ahead, unreadable meanwhile.
     */
    public Secret delete(String accountId, String secretId, Integer recoveryWindowDays, boolean force)
    {
        if (force && recoveryWindowDays != null) {
            throw SecretsException.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }
        int days = recoveryWindowDays == null ? DEFAULT_RECOVERY_DAYS : recoveryWindowDays;
        if (days < 7 || days > 30) {
            throw SecretsException.invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        }
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            Secret secret = find(transaction, accountId, secretId);
            if (force) {
                transaction.secrets().delete(secret.arn());
                return secret.scheduledForDeletion(now, now);
            }
            if (secret.scheduledForDeletion()) {
                throw SecretsException.invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
            }
            Secret scheduled = secret.scheduledForDeletion(now, now.plus(Duration.ofDays(days)));
            transaction.secrets().update(scheduled);
            return scheduled;
        });
    }

    /**
     * For a task's secrets: the value of the account's secret of that full ARN or name, by version id or stage
     * (AWSCURRENT when neither), read inside the caller's transaction.
     */
    ReadValue valueFor(StoreTransaction transaction, String accountId, String secretId, String versionId, String versionStage)
    {
        Secret secret = usable(transaction, accountId, secretId, "perform this operation on");
        SecretVersion version = version(transaction.secrets().versions(secret.arn()), versionId, versionStage);
        return new ReadValue(secret, version, open(version));
    }

    private Secret find(StoreTransaction transaction, String accountId, String secretId)
    {
        if (secretId == null || secretId.isEmpty()) {
            throw SecretsException.invalidParameter("SecretId is required: give the secret's name or ARN.");
        }
        SecretRows rows = transaction.secrets();
        Optional<Secret> found = secretId.startsWith("arn:") ? rows.findByArn(accountId, secretId) : rows.findByName(accountId, secretId);
        return live(transaction, found, clock.instant()).orElseThrow(() -> SecretsException.notFound(NOT_FOUND));
    }

    /** The secret, refused when it is scheduled for deletion. */
    private Secret usable(StoreTransaction transaction, String accountId, String secretId, String what)
    {
        Secret secret = find(transaction, accountId, secretId);
        if (secret.scheduledForDeletion()) {
            throw SecretsException.invalidRequest("You can't " + what + " the secret because it was marked for deletion.");
        }
        return secret;
    }

    /** The secret unless its deletion date has passed; such a secret is removed now (its name becomes free). */
    private static Optional<Secret> live(StoreTransaction transaction, Optional<Secret> found, Instant now)
    {
        if (found.isPresent() && found.get().deletionDate() != null && !found.get().deletionDate().isAfter(now)) {
            transaction.secrets().delete(found.get().arn());
            return Optional.empty();
        }
        return found;
    }

    private static SecretVersion version(List<SecretVersion> versions, String versionId, String versionStage)
    {
        String stage = versionId == null && versionStage == null ? SecretVersion.CURRENT : versionStage;
        for (SecretVersion version : versions) {
            if ((versionId == null || version.versionId().equals(versionId)) && (stage == null || version.has(stage))) {
                return version;
            }
        }
        if (versionId != null) {
            throw SecretsException.notFound("Secrets Manager can't find the specified secret value for VersionId: " + versionId);
        }
        throw SecretsException.notFound("Secrets Manager can't find the specified secret value for staging label: " + stage);
    }

    private SecretVersion seal(String arn, String versionId, List<String> stages, SecretValue value, Instant now)
    {
        return new SecretVersion(arn, versionId, stages, cipher.seal(value.bytes(), SecretVersion.sealingContext(arn, versionId)), value.isBinary(), now);
    }

    private SecretValue open(SecretVersion version)
    {
        byte[] bytes = cipher.open(version.sealedValue(), SecretVersion.sealingContext(version.secretArn(), version.versionId()));
        return version.binary() ? SecretValue.ofBinary(bytes) : SecretValue.ofString(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void checkValue(SecretValue value)
    {
        if (value != null && value.bytes().length > MAX_VALUE_BYTES) {
            throw SecretsException.invalidParameter("A secret value may have at most " + MAX_VALUE_BYTES + " bytes.");
        }
    }

    private static String versionId(String clientRequestToken)
    {
        if (clientRequestToken == null) {
            return UUID.randomUUID().toString();
        }
        if (!VERSION_ID.matcher(clientRequestToken).matches()) {
            throw SecretsException.invalidParameter("ClientRequestToken must be 32 to 64 letters, digits or hyphens (a UUID).");
        }
        return clientRequestToken;
    }

    private String suffix()
    {
        StringBuilder suffix = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
