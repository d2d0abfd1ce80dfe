package io.berth.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host's /etc/resolv.conf as a container in a task network may use it. A loopback name server (such as
 * systemd-resolved's 127.0.0.53) is the host's own loopback, unreachable from the task's namespace: then the
 * container keeps its image's resolv.conf.
 */
final class HostResolvConf
{
    private HostResolvConf() {}

    static Optional<String> usableInContainers(Path file)
    {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        }
        catch (IOException e) {
            return Optional.empty();
        }
        return usableInContainers(lines);
    }

    static Optional<String> usableInContainers(List<String> lines)
    {
        List<String> nameservers = lines.stream()
                .map(String::strip)
                .filter(line -> line.startsWith("nameserver"))
                .map(line -> line.substring("nameserver".length()).strip())
                .toList();
        if (nameservers.isEmpty() || nameservers.stream().anyMatch(HostResolvConf::isLoopback)) {
            return Optional.empty();
        }
        StringBuilder content = new StringBuilder();
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.startsWith("nameserver") || stripped.startsWith("search") || stripped.startsWith("options") || stripped.startsWith("domain")) {
                content.append(stripped).append('\n');
            }
        }
        return Optional.of(content.toString());
    }

    private static boolean isLoopback(String address)
    {
        return address.startsWith("127.") || address.equals("::1");
    }
}
