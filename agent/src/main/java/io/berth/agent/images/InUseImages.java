package io.berth.agent.images;

import java.util.Set;

/**
 * The images the tasks on this host run or are about to run (running, starting, stopping, or assigned and
 * waiting), which garbage collection never removes: by the manifest digest a task pulled, and by the reference a
 * task names before its pull (in the fully qualified form {@link ImageReference#toString()} gives).
 */
public record InUseImages(Set<String> references, Set<Digest> manifestDigests)
{
    public static final InUseImages NONE = new InUseImages(Set.of(), Set.of());

    public InUseImages
    {
        references = Set.copyOf(references);
        manifestDigests = Set.copyOf(manifestDigests);
    }

    public boolean uses(ImageRecord image)
    {
        return manifestDigests.contains(image.manifestDigest()) || image.references().stream().anyMatch(references::contains);
    }
}
