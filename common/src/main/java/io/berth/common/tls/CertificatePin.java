package io.berth.common.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The SHA-256 of a certificate's SubjectPublicKeyInfo, written {@code sha256:HEX} as kubeadm writes its
 * discovery-token-ca-cert-hash. It names a key, not a certificate: a CA renewed with the same key keeps its pin.
 */
public record CertificatePin(String sha256Hex)
{
    public static final String PREFIX = "sha256:";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public CertificatePin
    {
        requireNonNull(sha256Hex, "sha256Hex is null");
        if (!HEX.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("a certificate pin is 64 lower-case hex digits of a SHA-256, got '" + sha256Hex + "'");
        }
    }

    public static CertificatePin of(X509Certificate certificate)
    {
        try {
            // X.509 encoding of a public key is its SubjectPublicKeyInfo
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return new CertificatePin(HexFormat.of().formatHex(digest));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Reads {@code sha256:HEX} (upper- or lower-case hex). */
    public static CertificatePin parse(String text)
    {
        requireNonNull(text, "text is null");
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a certificate pin starts with " + PREFIX + ", got '" + text + "'");
        }
        return new CertificatePin(text.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
    }

    public boolean matches(X509Certificate certificate)
    {
        return MessageDigest.isEqual(of(certificate).sha256Hex.getBytes(), sha256Hex.getBytes());
    }

    @Override
    public String toString()
    {
        return PREFIX + sha256Hex;
    }
}
