package io.berth.agent.userns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Container root in a user namespace is an unprivileged host uid, and runc mounts the root filesystem (and the
 * bundle's files) from inside the user namespace: every directory on the way there must let others search it
 * (o+x; listing stays closed), as Docker requires of its data root with user namespaces.
 */
public final class SearchablePaths
{
    private SearchablePaths() {}

    /** Fails, naming the directory and the fix, when a directory above path does not let others search it. */
    public static void check(Path path)
            throws IOException
    {
        for (Path directory = path.toAbsolutePath().normalize().getParent(); directory != null; directory = directory.getParent()) {
            PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
            if (!attributes.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("containers in user namespaces cannot reach their root filesystem under " + path
                        + ": the directory " + directory + " does not let others search it (" + PosixFilePermissions.toString(attributes.permissions())
                        + "); allow it with chmod o+x " + directory);
            }
        }
    }

    /** Lets others search directory (a data directory of Berth's own), without letting them list or read it. */
    public static void allowSearch(Path directory)
            throws IOException
    {
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(directory));
        if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
            Files.setPosixFilePermissions(directory, permissions);
        }
    }
}
