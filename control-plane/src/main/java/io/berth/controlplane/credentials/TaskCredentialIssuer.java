package io.berth.controlplane.credentials;

import io.berth.common.agentprotocol.TaskRoleCredentials;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Mints the role credentials of a task and checks them when they sign a request. Keys are minted per window of half
 * their lifetime: every sync in a window hands the agent the same keys, and the next window's (valid a full lifetime
 * from their start) arrive while the current ones still have half their life, which is how the ECS agent refreshes
 * (the SDKs take new keys from the endpoint some minutes before expiration). Nothing is stored per task:
 * <ul>
 * <li>access key id: "ASIA" (AWS's prefix for temporary keys) and 16 characters of an HMAC of the task and window;</li>
 * <li>secret: an HMAC of the access key id;</li>
 * <li>session token: the key id, account, task and expiration, with an HMAC over them.</li>
 * </ul>
 * A token is accepted while it has not expired and its task has not stopped: the task's state is the revocation.
 */
public final class TaskCredentialIssuer
{
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(6);
    private static final String KEY_ID = "current";
    private static final String ALGORITHM = "HmacSHA256";
    private static final String TOKEN_VERSION = "berth-task-v1";
    private static final char[] KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int KEY_ID_CHARACTERS = 16;
    private static final int SECRET_CHARACTERS = 40;

    private final Store store;
    private final Function<String, Optional<Account>> accounts;
    private final Clock clock;
    private final Duration lifetime;
    private final SecretKeySpec key;

    /**
     * @param accounts finds an account by id (the key's account)
     * @param lifetime how long minted keys are good for; new ones come after half of it
     */
    public TaskCredentialIssuer(Store store, Function<String, Optional<Account>> accounts, Clock clock, Duration lifetime)
    {
        this.store = requireNonNull(store, "store is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.lifetime = requireNonNull(lifetime, "lifetime is null");
        if (lifetime.toSeconds() < 2) {
            throw new IllegalArgumentException("the credentials' lifetime must be at least 2 seconds: " + lifetime);
        }
        // read once, here: minting runs inside the agents' sync transactions, where the store has no second connection to give
        this.key = loadOrCreateKey(store, clock);
    }

    /** The task's current credentials; empty for a task without a role, and for a stopped one. */
    public Optional<TaskRoleCredentials> issue(Task task)
    {
        if (task.taskRoleArn() == null || task.state().lastStatus() == TaskStatus.STOPPED) {
            return Optional.empty();
        }
        long window = lifetime.toSeconds() / 2;
        long start = Math.floorDiv(clock.instant().getEpochSecond(), window) * window;
        Instant expiration = Instant.ofEpochSecond(start).plus(lifetime);
        String accessKeyId = "ASIA" + encode(mac("access-key-id", task.arn(), Long.toString(start)), KEY_ID_CHARACTERS);
        String payload = String.join("\n", TOKEN_VERSION, accessKeyId, task.accountId(), task.taskId(), Long.toString(expiration.getEpochSecond()));
        String token = base64(payload.getBytes(StandardCharsets.UTF_8)) + "." + base64(mac("session-token", payload));
        return Optional.of(new TaskRoleCredentials(credentialsId(task.arn()), task.taskRoleArn(), accessKeyId, secret(accessKeyId), token, expiration));
    }

    /**
     * The key that signed a request with this session token, of the task's account (never the operator's powers:
     * a task cannot use the admin API); throws when the token is not Berth's for this key, has expired, or its task
     * has stopped or is gone.
     */
    public AccessKey verify(String accessKeyId, String sessionToken)
    {
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(sessionToken, "sessionToken is null");
        List<String> fields = payload(sessionToken).orElseThrow(TaskCredentialIssuer::invalid);
        if (fields.size() != 5 || !fields.get(0).equals(TOKEN_VERSION) || !fields.get(1).equals(accessKeyId)) {
            throw invalid();
        }
        String accountId = fields.get(2);
        String taskId = fields.get(3);
        Instant expiration;
        try {
            expiration = Instant.ofEpochSecond(Long.parseLong(fields.get(4)));
        }
        catch (NumberFormatException e) {
            throw invalid();
        }
        if (!clock.instant().isBefore(expiration)) {
            throw new TaskCredentialsRejectedException(TaskCredentialsRejectedException.Reason.EXPIRED, "The security token included in the request is expired");
        }
        Optional<Task> task = store.inTransaction(transaction -> transaction.tasks().find(accountId, taskId));
        if (task.isEmpty() || task.get().state().lastStatus() == TaskStatus.STOPPED) {
            // the task's keys end with it, as ECS removes a task's credentials when it stops
            throw invalid();
        }
        Account account = accounts.apply(accountId).orElseThrow(TaskCredentialIssuer::invalid);
        return new AccessKey(accessKeyId, secret(accessKeyId), new Account(account.accountId(), account.name(), false));
    }

    /** The task's credentials id for its whole life: a UUID made from an HMAC of its ARN, unguessable by other tasks. */
    private String credentialsId(String taskArn)
    {
        ByteBuffer bytes = ByteBuffer.wrap(mac("credentials-id", taskArn));
        long most = bytes.getLong() & ~0xF000L | 0x4000L;
        long least = bytes.getLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(most, least).toString();
    }

    private String secret(String accessKeyId)
    {
        return base64(mac("secret-access-key", accessKeyId)).substring(0, SECRET_CHARACTERS);
    }

    private Optional<List<String>> payload(String token)
    {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            String text = new String(payload, StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(signature, mac("session-token", text))) {
                return Optional.empty();
            }
            return Optional.of(List.of(text.split("\n", -1)));
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static TaskCredentialsRejectedException invalid()
    {
        return new TaskCredentialsRejectedException(TaskCredentialsRejectedException.Reason.INVALID, "The security token included in the request is invalid.");
    }

    private byte[] mac(String purpose, String... parts)
    {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // each purpose keys its own values, and NULs keep the parts from shifting into each other
            mac.update((purpose + "\0" + String.join("\0", parts)).getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static SecretKeySpec loadOrCreateKey(Store store, Clock clock)
    {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        String stored = store.inTransaction(transaction -> transaction.taskCredentialKeys()
                .insertIfAbsent(KEY_ID, Base64.getEncoder().encodeToString(candidate), clock.instant()));
        return new SecretKeySpec(Base64.getDecoder().decode(stored), ALGORITHM);
    }

    private static String base64(byte[] bytes)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(byte[] bytes, int characters)
    {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < characters; i++) {
            text.append(KEY_ALPHABET[(bytes[i] & 0xFF) % KEY_ALPHABET.length]);
        }
        return text.toString();
    }
}
