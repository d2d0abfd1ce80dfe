package io.berth.controlplane.network;

import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form, e.g. 10.213.0.0/16. The address is kept as its unsigned 32 bits; it must be the
 * network's first address (10.213.0.5/16 is refused rather than silently widened), so every CIDR has one spelling.
 */
public record Ipv4Cidr(long network, int prefix)
{
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    public Ipv4Cidr
    {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length out of range (0 to 32): " + prefix);
        }
        if (network < 0 || network > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not an IPv4 address: " + network);
        }
        if ((network & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(format(network) + "/" + prefix + " has host bits set: its network is " + format(network & mask(prefix)) + "/" + prefix);
        }
    }

    /** Parses "A.B.C.D/N"; IllegalArgumentException with a message that says what is wrong. */
    public static Ipv4Cidr parse(String text)
    {
        var matcher = text == null ? null : SHAPE.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR such as 10.213.0.0/16");
        }
        long address = 0;
        for (int group = 1; group <= 4; group++) {
            int octet = Integer.parseInt(matcher.group(group));
            if (octet > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR: " + octet + " is not an octet (0 to 255)");
            }
            address = (address << 8) | octet;
        }
        int prefix = Integer.parseInt(matcher.group(5));
        if (prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR: the prefix length is at most 32");
        }
        return new Ipv4Cidr(address, prefix);
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

    public boolean contains(Ipv4Cidr other)
    {
        return other.prefix >= prefix && other.network >= network && other.lastAddress() <= lastAddress();
    }

    public boolean overlaps(Ipv4Cidr other)
    {
        return network <= other.lastAddress() && other.network <= lastAddress();
    }

    @Override
    public String toString()
    {
        return format(network) + "/" + prefix;
    }

    private static long mask(int prefix)
    {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    private static String format(long address)
    {
        return ((address >> 24) & 0xFF) + "." + ((address >> 16) & 0xFF) + "." + ((address >> 8) & 0xFF) + "." + (address & 0xFF);
    }
}
