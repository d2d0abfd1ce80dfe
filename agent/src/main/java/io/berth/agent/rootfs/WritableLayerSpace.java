package io.berth.agent.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where a snapshot's writable layer (its overlayfs upper and work directories) goes; the snapshotter asks. */
public interface WritableLayerSpace
{
    /** The directory that holds key's upper and work directories. It exists. */
    Path directoryFor(String key)
            throws IOException;

    /** key's directory, if there is one still, so that removing the snapshot removes its writes too. */
    Optional<Path> existing(String key)
            throws IOException;
}
