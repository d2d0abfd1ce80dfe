package io.berth.cli.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names and addresses the API's certificate is valid for: loopback (127.0.0.1, ::1, localhost), this host's
 * name, the listening address (every interface's address when listening on all), and the operator's extra names.
 */
final class ServerNames
{
    private static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    private ServerNames() {}

    static Set<String> of(String bindAddress, List<String> extraNames)
    {
        Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "::1", "localhost"));
        hostName().ifPresent(names::add);
        String bind = ServerAddresses.unbracketed(bindAddress);
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            names.addAll(interfaceAddresses());
        }
        else {
            names.add(bind);
        }
        names.addAll(extraNames);
        return names;
    }

    /** The kernel's host name, read from /proc rather than looked up (a lookup can hang on a host without DNS). */
    private static java.util.Optional<String> hostName()
    {
        try {
            String name = Files.readString(HOST_NAME).strip();
            return name.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(name);
        }
        catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Set<String> interfaceAddresses()
    {
        Set<String> addresses = new LinkedHashSet<>();
        try {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!networkInterface.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                    if (address.isLinkLocalAddress()) {
                        continue;
                    }
                    if (address instanceof Inet4Address || address instanceof Inet6Address) {
                        String text = address.getHostAddress();
                        int zone = text.indexOf('%');
                        addresses.add(zone < 0 ? text : text.substring(0, zone));
                    }
                }
            }
        }
        catch (SocketException e) {
            // no interfaces to name: loopback and the host name still are
        }
        return addresses;
    }
}
