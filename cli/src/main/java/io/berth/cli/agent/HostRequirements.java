package io.berth.cli.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks, before anything starts, that this machine can run containers, and says what is missing. */
public final class HostRequirements
{
    private HostRequirements() {}

    /** What an agent needs: root, runc, conmon and setfattr (overlayfs whiteouts). */
    public static void checkAgentHost(String command)
            throws IOException
    {
        List<String> problems = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            problems.add(command + " runs containers with runc and mounts overlayfs: run it as root");
        }
        requireExecutable(problems, "/usr/sbin/runc", "runc");
        requireExecutable(problems, "/usr/bin/conmon", "conmon");
        requireExecutable(problems, "/usr/bin/setfattr", "attr");
        requireExecutable(problems, "/usr/lib/cni/bridge", "containernetworking-plugins");
        requireExecutable(problems, "/usr/sbin/ip", "iproute2");
        requireExecutable(problems, "/usr/sbin/iptables", "iptables");
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
    }

    private static void requireExecutable(List<String> problems, String path, String debianPackage)
    {
        if (!Files.isExecutable(Path.of(path))) {
            problems.add(path + " is missing: apt-get install " + debianPackage);
        }
    }
}
