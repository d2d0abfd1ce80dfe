package io.berth.controlplane.registry;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** What a batch delete removed, and why each other image it named was not removed (ECR's failure codes). */
public record ImageDeletion(List<ImageId> deleted, List<Failure> failures)
{
    public ImageDeletion
    {
        deleted = List.copyOf(deleted);
        failures = List.copyOf(failures);
    }

    public record Failure(ImageId imageId, String code, String reason)
    {
        public Failure
        {
            requireNonNull(imageId, "imageId is null");
            requireNonNull(code, "code is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
