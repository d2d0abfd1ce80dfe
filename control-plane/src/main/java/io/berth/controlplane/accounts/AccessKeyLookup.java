package io.berth.controlplane.accounts;

import java.util.Optional;

/** Finds the key that signed a request. */
public interface AccessKeyLookup
{
    Optional<AccessKey> findAccessKey(String accessKeyId);
}
