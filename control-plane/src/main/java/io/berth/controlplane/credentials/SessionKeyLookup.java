package io.berth.controlplane.credentials;

import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.AccessKeyLookup;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The accounts' own keys, and task role keys for requests that carry a session token. */
public final class SessionKeyLookup
        implements AccessKeyLookup
{
    private final AccessKeyLookup accountKeys;
    private final TaskCredentialIssuer taskCredentials;

    public SessionKeyLookup(AccessKeyLookup accountKeys, TaskCredentialIssuer taskCredentials)
    {
        this.accountKeys = requireNonNull(accountKeys, "accountKeys is null");
        this.taskCredentials = requireNonNull(taskCredentials, "taskCredentials is null");
    }

    @Override
    public Optional<AccessKey> findAccessKey(String accessKeyId)
    {
        return accountKeys.findAccessKey(accessKeyId);
    }

    @Override
    public Optional<AccessKey> findAccessKey(String accessKeyId, String sessionToken)
    {
        return sessionToken == null ? findAccessKey(accessKeyId) : Optional.of(taskCredentials.verify(accessKeyId, sessionToken));
    }
}
