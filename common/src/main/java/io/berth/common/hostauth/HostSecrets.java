package io.berth.common.hostauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Random secrets and the one-way hash under which the control plane stores them. */
public final class HostSecrets
{
    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final HexFormat HEX = HexFormat.of();

    private HostSecrets() {}

    /** 32 random bytes, hex: 256 bits, so a hash without salt is safe to store. */
    public static String newSecret(SecureRandom random)
    {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    public static String hash(String secret)
    {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Whether secret hashes to expectedHash, in time that does not depend on where they differ. */
    public static boolean matches(String secret, String expectedHash)
    {
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII), expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Host ids name directories and cgroups on the host: letters, digits, '-' and '_' only. */
    public static boolean isValidHostId(String hostId)
    {
        return hostId != null && HOST_ID.matcher(hostId).matches();
    }
}
