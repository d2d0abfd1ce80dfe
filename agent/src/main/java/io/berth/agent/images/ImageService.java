package io.berth.agent.images;

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
}
