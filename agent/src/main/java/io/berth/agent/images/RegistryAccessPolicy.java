package io.berth.agent.images;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a registry is reached over plain HTTP or HTTPS. Plain HTTP is allowed only for loopback
 * hosts (a registry on this machine cannot be intercepted on the network), for {@code HOST:PORT} entries the
 * operator listed as insecure, and for every port of a host the agent already trusts over plain HTTP (the control
 * plane it joined over http://, whose registry and token endpoint are there); everything else uses HTTPS with
 * certificate verification.
 */
public final class RegistryAccessPolicy
{
    private final Set<String> insecureRegistries;
    private final Set<String> plainHttpHosts;

    public RegistryAccessPolicy(Set<String> insecureRegistries)
    {
        this(insecureRegistries, Set.of());
    }

    private RegistryAccessPolicy(Set<String> insecureRegistries, Set<String> plainHttpHosts)
    {
        this.insecureRegistries = normalized(insecureRegistries);
        this.plainHttpHosts = normalized(plainHttpHosts);
    }

    /**
     * This policy, also allowing plain HTTP to every port of host (a name or address, IPv6 without brackets): the
     * control plane's host when the agent reaches it over plain HTTP anyway, so its registry adds nothing to intercept.
     */
    public RegistryAccessPolicy withPlainHttpHost(String host)
    {
        Set<String> hosts = new HashSet<>(plainHttpHosts);
        hosts.add(host);
        return new RegistryAccessPolicy(insecureRegistries, hosts);
    }

    private static Set<String> normalized(Set<String> values)
    {
        return values.stream()
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
        String host = hostPart(normalized);
        return insecureRegistries.contains(normalized) || plainHttpHosts.contains(host) || isLoopback(host);
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
