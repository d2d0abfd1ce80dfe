package io.berth.controlplane.accounts;

import java.util.Optional;

/** Finds the key that signed a request. */
public interface AccessKeyLookup
{
    Optional<AccessKey> findAccessKey(String accessKeyId);

    /**
     * The key that signed a request carrying a session token (X-Amz-Security-Token), or none; a lookup that knows no
     * temporary keys finds none for a request with a token. May throw the domain's refusal of the token.
     */
    default Optional<AccessKey> findAccessKey(String accessKeyId, String sessionToken)
    {
        return sessionToken == null ? findAccessKey(accessKeyId) : Optional.empty();
    }
}
