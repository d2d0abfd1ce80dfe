package io.berth.controlplane.registry;

import java.util.List;

/**
 * What the registry holds under a repository path, read from (and removed through) the registry's own API, so
 * Berth keeps no copy of it. Throws {@link RegistryUnavailableException} when the registry does not answer.
 */
public interface RegistryContents
{
    /** The tagged images of the repository, one per manifest digest; empty when nothing was ever pushed. */
    List<RegistryImage> images(String repositoryPath);

    /** Removes the manifest and with it every tag pointing at it; false when there was no such manifest. */
    boolean deleteManifest(String repositoryPath, String digest);

    /** A registry-less control plane: no images anywhere. */
    RegistryContents NONE = new RegistryContents()
    {
        @Override
        public List<RegistryImage> images(String repositoryPath)
        {
            return List.of();
        }

        @Override
        public boolean deleteManifest(String repositoryPath, String digest)
        {
            return false;
        }
    };
}
