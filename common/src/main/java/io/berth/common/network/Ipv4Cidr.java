package io.berth.common.network;

import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form, e.g. 10.213.0.0/16. The address is kept as its unsigned 32 bits; it must be the
 * network's first address (10.213.0.5/16 is refused rather than silently widened), so every CIDR has one spelling.
 *
 * @param network the network's first address as an unsigned 32-bit number
 */
public record Ipv4Cidr(long network, int prefix)
{
    private static final Pattern ADDRESS = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})/(\\d{1,2})");
    private static final long ALL_BITS = 0xFFFF_FFFFL;

    public Ipv4Cidr
    {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length out of range (0 to 32): " + prefix);
        }
        if (network < 0 || network > ALL_BITS) {
            throw new IllegalArgumentException("not an IPv4 address: " + network);
        }
        if ((network & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(formatAddress(network) + "/" + prefix + " has host bits set: its network is "
                    + formatAddress(network & mask(prefix)) + "/" + prefix);
        }
    }

    /** Parses "A.B.C.D/N"; IllegalArgumentException with a message that says what is wrong. */
    public static Ipv4Cidr parse(String text)
    {
        var matcher = text == null ? null : CIDR.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR such as 10.213.0.0/16");
        }
        long address = parseOctets(matcher.group(1), octet -> "'" + text + "' is not an IPv4 CIDR: " + octet + " is not an octet (0 to 255)");
        int prefix = Integer.parseInt(matcher.group(2));
        if (prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR: the prefix length is at most 32");
        }
        return new Ipv4Cidr(address, prefix);
    }

    /** The network of the given prefix length that holds an address, e.g. 10.213.3.0/24 for 10.213.3.7 and 24. */
    public static Ipv4Cidr containing(long address, int prefix)
    {
        return new Ipv4Cidr(address & mask(prefix), prefix);
    }

    /** Parses "A.B.C.D" into its unsigned 32 bits. */
    public static long parseAddress(String address)
    {
        var matcher = address == null ? null : ADDRESS.matcher(address);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("invalid IPv4 address '" + address + "'");
        }
        return parseOctets(address, octet -> "invalid IPv4 address '" + address + "'");
    }

    /** The dotted form of an address's unsigned 32 bits, e.g. 10.213.3.1. */
    public static String formatAddress(long address)
    {
        return ((address >> 24) & 0xFF) + "." + ((address >> 16) & 0xFF) + "." + ((address >> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** How many addresses the network spans. */
    public long size()
    {
        return 1L << (32 - prefix);
    }

    public long lastAddress()
    {
        return network + size() - 1;
    }

    /** The network's own address in dotted form, e.g. 10.213.3.0. */
    public String networkAddress()
    {
        return formatAddress(network);
    }

    /** The first host address, e.g. 10.213.3.1: the tasks' gateway on a host's bridge. */
    public String firstHost()
    {
        return formatAddress(network + 1);
    }

    public boolean contains(Ipv4Cidr other)
    {
        return other.prefix >= prefix && other.network >= network && other.lastAddress() <= lastAddress();
    }

    /** Whether the dotted IPv4 address lies in this network; IllegalArgumentException when it is not one. */
    public boolean contains(String ipv4Address)
    {
        return (parseAddress(ipv4Address) & mask(prefix)) == network;
    }

    public boolean overlaps(Ipv4Cidr other)
    {
        return network <= other.lastAddress() && other.network <= lastAddress();
    }

    @Override
    public String toString()
    {
        return formatAddress(network) + "/" + prefix;
    }

    /** The four dot-separated octets of a text already matched as d.d.d.d (one to three digits each). */
    private static long parseOctets(String dotted, IntFunction<String> notAnOctet)
    {
        long value = 0;
        for (String part : dotted.split("\\.")) {
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException(notAnOctet.apply(octet));
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    private static long mask(int prefix)
    {
        return prefix == 0 ? 0 : (ALL_BITS << (32 - prefix)) & ALL_BITS;
    }
}
