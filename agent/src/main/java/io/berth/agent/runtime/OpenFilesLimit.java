package io.berth.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The open-files hard limit this process runs with, which containers it starts cannot exceed. */
final class OpenFilesLimit
{
    private static final long FALLBACK = 1024;

    private OpenFilesLimit() {}

    static long hardLimitOfThisProcess()
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).strip().split("\\s+");
                    return fields[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[1]);
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // fall through to a limit every host allows
        }
        return FALLBACK;
    }
}
