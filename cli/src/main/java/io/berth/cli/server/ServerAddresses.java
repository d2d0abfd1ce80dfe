package io.berth.cli.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/** The address clients use for a server bound to a wildcard address. */
final class ServerAddresses
{
    private ServerAddresses() {}

    /** bindAddress itself, or for 0.0.0.0 / :: an IPv4 address of an interface that is up (loopback as the last resort). */
    static String concrete(String bindAddress)
    {
        if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::") && !bindAddress.equals("[::]")) {
            return bindAddress;
        }
        return firstInterfaceAddress().orElse("127.0.0.1");
    }

    /** An IPv6 address without the brackets of a URL ([::] as ::). */
    static String unbracketed(String address)
    {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }

    /** A literal loopback address (no name is looked up). */
    static boolean isLoopback(String address)
    {
        String host = unbracketed(address);
        return host.startsWith("127.") || host.equals("::1");
    }

    private static Optional<String> firstInterfaceAddress()
    {
        try {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!networkInterface.isUp() || networkInterface.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return Optional.of(address.getHostAddress());
                    }
                }
            }
        }
        catch (SocketException e) {
            // no interfaces to look at
        }
        return Optional.empty();
    }
}
