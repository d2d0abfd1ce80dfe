package io.berth.common.sigv4;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static java.nio.charset.StandardCharsets.UTF_8;

/** SHA-256 and HMAC-SHA256, the two primitives SigV4 is made of. */
public final class Hashing
{
    private static final HexFormat HEX = HexFormat.of();

    private Hashing() {}

    public static String sha256Hex(byte[] data)
    {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String sha256Hex(String data)
    {
        return sha256Hex(data.getBytes(UTF_8));
    }

    static byte[] hmacSha256(byte[] key, String data)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static String hex(byte[] data)
    {
        return HEX.formatHex(data);
    }
}
