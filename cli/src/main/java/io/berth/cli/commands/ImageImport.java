package io.berth.cli.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Imports an image archive (OCI layout or docker-save tarball) into Berth's registry so tasks can run it.
 * The implementation lives with the image code (io.berth.agent.images); the launcher passes it in.
 */
@FunctionalInterface
public interface ImageImport
{
    /**
     * @param reference the name to give the image, e.g. "myapp:1"; empty to keep the archive's own name
     * @return the reference to run the image by (as given to `berth run`)
     */
    String importImage(Path archive, Optional<String> reference)
            throws IOException;
}
