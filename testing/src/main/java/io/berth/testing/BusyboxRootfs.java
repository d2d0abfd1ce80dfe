package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A minimal root filesystem for tests that run real containers: Debian's statically linked busybox as
 * /bin/busybox, a symlink per applet the tests use, and /etc/passwd and /etc/group with three users
 * (root 0, app 1000, nobody 65534).
 */
public final class BusyboxRootfs
{
    /** Where Debian's busybox-static package installs the binary. */
    public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    public static final List<String> APPLETS = List.of(
            "sh", "echo", "cat", "sleep", "env", "ls", "id", "yes", "head", "dd", "true", "false", "pwd",
            "hostname", "ps", "kill", "grep", "wc", "mkdir", "rm", "touch", "seq", "tr", "printf", "test");

    public static final int APP_UID = 1000;
    public static final int APP_GID = 1000;
    public static final int NOBODY_UID = 65534;

    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            app:x:1000:1000:app:/home/app:/bin/sh
            nobody:x:65534:65534:nobody:/nonexistent:/bin/false
            """;

    private static final String GROUP = """
            root:x:0:
            app:x:1000:
            staff:x:50:app
            nogroup:x:65534:
            """;

    private BusyboxRootfs() {}

    /** Fills directory (created if missing) with the busybox root filesystem and returns it. */
    public static Path create(Path directory)
            throws IOException
    {
        if (!Files.isExecutable(HOST_BUSYBOX)) {
            throw new IOException("busybox not found at " + HOST_BUSYBOX + ": install Debian's busybox-static package");
        }
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Files.copy(HOST_BUSYBOX, bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(bin.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String applet : APPLETS) {
            Path link = bin.resolve(applet);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("busybox"));
        }
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), PASSWD);
        Files.writeString(etc.resolve("group"), GROUP);
        Files.createDirectories(directory.resolve("tmp"));
        Files.setPosixFilePermissions(directory.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(directory.resolve("home/app"));
        Files.createDirectories(directory.resolve("root"));
        return directory;
    }
}
