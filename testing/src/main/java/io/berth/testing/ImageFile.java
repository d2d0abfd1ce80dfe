package io.berth.testing;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A host file copied into a test image: its path in the image (without a leading slash), and its mode, which may
 * carry the setuid bit (04000) so a test can check that the bit gives nothing. Owned by root in the image.
 */
public record ImageFile(String path, Path source, int mode)
{
    public ImageFile
    {
        requireNonNull(path, "path is null");
        requireNonNull(source, "source is null");
        if (path.startsWith("/") || (mode & ~07777) != 0) {
            throw new IllegalArgumentException("path must be relative and mode a permission mode: " + path + " " + Integer.toOctalString(mode));
        }
    }
}
