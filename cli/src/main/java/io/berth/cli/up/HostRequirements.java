package io.berth.cli.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks, before anything starts, that this machine can run containers, and says what is missing. */
final class HostRequirements
{
    private HostRequirements() {}

    static void check()
            throws IOException
    {
        List<String> problems = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            problems.add("berth up runs containers with runc and mounts overlayfs: run it as root");
        }
        requireExecutable(problems, "/usr/sbin/runc", "runc");
        requireExecutable(problems, "/usr/bin/conmon", "conmon");
        requireExecutable(problems, "/usr/bin/docker-registry", "docker-registry");
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
