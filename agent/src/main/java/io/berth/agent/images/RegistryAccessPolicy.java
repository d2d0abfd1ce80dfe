package io.berth.agent.images;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a registry is reached over plain HTTP or HTTPS. Plain HTTP is allowed only for loopback
 * hosts (a registry on this machine cannot be intercepted on the network) and for {@code HOST:PORT} entries the
 * operator listed as insecure; everything else uses HTTPS with certificate verification.
 */
public final class RegistryAccessPolicy
{
    private final Set<String> insecureRegistries;

    public RegistryAccessPolicy(Set<String> insecureRegistries)
    {
        this.insecureRegistries = insecureRegistries.stream()
                .map(value -> value.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public static RegistryAccessPolicy loopbackOnly()
    {
        return new RegistryAccessPolicy(Set.of());
    }

    /** {@code http} or {@code https} for a registry API host such as {@code 127.0.0.1:5000}. */
    public String scheme(String apiHost)
    {
        return allowsPlainHttp(apiHost) ? "http" : "https";
    }

    public boolean allowsPlainHttp(String apiHost)
    {
        String normalized = apiHost.toLowerCase(Locale.ROOT);
        return insecureRegistries.contains(normalized) || isLoopback(hostPart(normalized));
    }

    static String hostPart(String hostAndPort)
    {
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            return end < 0 ? hostAndPort : hostAndPort.substring(1, end);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /** Literal loopback addresses and {@code localhost} only: no DNS lookup, so a name cannot be made to point at loopback. */
    private static boolean isLoopback(String host)
    {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }
}
