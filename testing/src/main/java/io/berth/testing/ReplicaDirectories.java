package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Data directories of `berth server` replicas of one cluster. They share DIR/tls (the cluster CA and the key the
 * control plane signs its calls to agents with), as an operator copies it: a replica with another identity than a
 * live replica's is refused at start.
 */
public final class ReplicaDirectories
{
    private ReplicaDirectories() {}

    /** Copies the first replica's DIR/tls into the data directory of a replica not started yet. */
    public static void shareTls(Path firstReplica, Path replica)
            throws IOException
    {
        Path source = firstReplica.resolve("tls");
        Path target = Files.createDirectories(replica.resolve("tls"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
