package io.berth.agent.images;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A content digest such as {@code sha256:<64 hex>}; only sha256 is supported, as in every registry in use. */
public record Digest(String hex)
{
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

    public Digest
    {
        requireNonNull(hex, "hex is null");
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 digest hex: " + hex);
        }
    }

    /** Parses {@code sha256:<hex>}; the message names the value so a user can find the typo. */
    public static Digest parse(String value)
    {
        requireNonNull(value, "value is null");
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid digest \"" + value + "\": expected sha256:<64 hex characters>");
        }
        String algorithm = value.substring(0, colon);
        if (!algorithm.equals("sha256")) {
            throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm + "\" in \"" + value + "\": only sha256 is supported");
        }
        String hex = value.substring(colon + 1);
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid digest \"" + value + "\": expected sha256:<64 lowercase hex characters>");
        }
        return new Digest(hex);
    }

    public static Digest of(byte[] content)
    {
        return fromMessageDigest(newSha256().digest(content));
    }

    public static Digest fromMessageDigest(byte[] sha256)
    {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString()
    {
        return "sha256:" + hex;
    }
}
