package io.berth.agent.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The names of the directories right below a root that match a pattern, sorted: the keys or task ids kept on disk. */
final class DirectoryNames
{
    private DirectoryNames() {}

    static List<String> under(Path root, Pattern name)
            throws IOException
    {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString())
                    .filter(candidate -> name.matcher(candidate).matches())
                    .sorted()
                    .toList();
        }
    }
}
