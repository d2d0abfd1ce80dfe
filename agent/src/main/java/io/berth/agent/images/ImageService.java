package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;

/** Makes an image available on this host. */
public interface ImageService
{
    /**
     * Resolves the reference against its registry, fetches what is missing, verifies every digest and
     * unpacks every layer not yet unpacked. Safe to call concurrently for the same image.
     *
     * @throws ImagePullException with a message fit for a task's stoppedReason (after
     *         "CannotPullContainerError: ")
     */
    PulledImage pull(String reference)
            throws ImagePullException;

    /**
     * As {@link #pull(String)}, for a task whose account logs in to login's registry with login (null: no login of
     * its own). Every image of that registry is then read with that login only, including its manifest when all of
     * its layers are already here, so a cache hit never serves an image the account may not read.
     */
    default PulledImage pull(String reference, RegistryLogin login)
            throws ImagePullException
    {
        if (login != null) {
            throw new ImagePullException("this host cannot pull with a task's own registry login");
        }
        return pull(reference);
    }

    /**
     * As {@link #pull(String, RegistryLogin)}, for a task of the account (null: none). A tag may be resolved once for
     * a few seconds of pulls by the same account with the same login, never across accounts or logins.
     */
    default PulledImage pull(String reference, RegistryLogin login, String accountId)
            throws ImagePullException
    {
        return pull(reference, login);
    }
}
