package io.berth.agent.tasks;

import io.berth.agent.images.Digest;
import io.berth.agent.images.ImageReference;
import io.berth.agent.images.InUseImages;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskReport.Status;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The images the tasks on this host hold, for image garbage collection: every task not yet STOPPED (assigned and
 * waiting, starting, running or stopping) holds the images its containers name and the manifests they were pulled
 * as. Read from the task records on disk, which the agent writes before a task's first pull and deletes only after
 * it stopped, so a task is counted from its assignment on, across agent restarts.
 */
public final class TaskImages
{
    private TaskImages() {}

    public static InUseImages inUse(List<TaskRecord> records)
    {
        Set<String> references = new HashSet<>();
        Set<Digest> digests = new HashSet<>();
        for (TaskRecord record : records) {
            if (record.status() == Status.STOPPED) {
                continue;
            }
            for (ContainerSpec spec : record.assignment().containers()) {
                try {
                    ImageReference reference = ImageReference.parse(spec.image());
                    references.add(reference.toString());
                    reference.digest().ifPresent(digests::add);
                }
                catch (IllegalArgumentException e) {
                    // a reference that does not parse never pulls: it holds nothing
                }
            }
            for (ContainerRecord container : record.containers()) {
                if (container.imageDigest() != null) {
                    digests.add(Digest.parse(container.imageDigest()));
                }
            }
        }
        return new InUseImages(references, digests);
    }
}
