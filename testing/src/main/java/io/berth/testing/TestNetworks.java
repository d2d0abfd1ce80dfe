package io.berth.testing;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Bridge names and subnets for tests' task networks: random, so that tests running at the same time on one
 * machine (or next to a running `berth up`, which uses berth0 and 10.213.0.0/16) never share a bridge or an
 * address range.
 */
public final class TestNetworks
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestNetworks() {}

    /** A bridge name of at most 15 characters: the prefix (up to 7) and 8 random hex digits. */
    public static String bridgeName(String prefix)
    {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        String head = prefix.length() > 7 ? prefix.substring(0, 7) : prefix;
        return head + HexFormat.of().formatHex(random);
    }

    /** A random /24 in 10.160.0.0/11, away from the defaults of Berth, Docker, Podman and Kubernetes. */
    public static String subnet()
    {
        return "10." + (160 + RANDOM.nextInt(32)) + "." + RANDOM.nextInt(256) + ".0/24";
    }
}
