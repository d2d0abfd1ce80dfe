package io.berth.agent.network;

import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form (e.g. 10.213.3.0/24), with no host bits set.
 *
 * @param address the network address as an unsigned 32-bit number
 */
record Ipv4Cidr(long address, int prefix)
{
    private static final Pattern ADDRESS = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    Ipv4Cidr
    {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("invalid prefix length /" + prefix);
        }
        if (address < 0 || address > 0xFFFFFFFFL || (address & ~mask(prefix) & 0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException("invalid network " + dotted(address) + "/" + prefix + ": host bits set");
        }
    }

    static Ipv4Cidr parse(String cidr)
    {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid IPv4 network '" + cidr + "': use CIDR form, e.g. 10.213.0.0/16");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid IPv4 network '" + cidr + "': use CIDR form, e.g. 10.213.0.0/16");
        }
        return new Ipv4Cidr(parseAddress(cidr.substring(0, slash)), prefix);
    }

    static long parseAddress(String address)
    {
        var matcher = address == null ? null : ADDRESS.matcher(address);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("invalid IPv4 address '" + address + "'");
        }
        long value = 0;
        for (int octet = 1; octet <= 4; octet++) {
            int part = Integer.parseInt(matcher.group(octet));
            if (part > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + address + "'");
            }
            value = (value << 8) | part;
        }
        return value;
    }

    static String dotted(long address)
    {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    /** The network's own address, e.g. 10.213.3.0. */
    String networkAddress()
    {
        return dotted(address);
    }

    /** The first host address, e.g. 10.213.3.1: the tasks' gateway on the bridge. */
    String firstHost()
    {
        return dotted(address + 1);
    }

    boolean contains(String ipv4Address)
    {
        return (parseAddress(ipv4Address) & mask(prefix)) == address;
    }

    @Override
    public String toString()
    {
        return dotted(address) + "/" + prefix;
    }

    private static long mask(int prefix)
    {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }
}
