package io.berth.controlplane.registry;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

/**
 * The key Berth signs registry tokens with (EC P-256, ES256) and its self-signed certificate, which the registry
 * is given as its root bundle and which every token carries in its x5c header. Kept in a directory (key readable by
 * root only) so that tokens stay valid across restarts and the registry's configuration keeps matching.
 */
public final class RegistrySigningKey
{
    private static final String KEY_FILE = "token-signing-key.pem";
    private static final String CERTIFICATE_FILE = "token-signing-cert.pem";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final ECPrivateKey privateKey;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private RegistrySigningKey(ECPrivateKey privateKey, X509Certificate certificate, Path certificateFile)
    {
        this.privateKey = requireNonNull(privateKey, "privateKey is null");
        this.certificate = requireNonNull(certificate, "certificate is null");
        this.certificateFile = requireNonNull(certificateFile, "certificateFile is null");
    }

    /** The key kept in directory, or a new one written there the first time. */
    public static RegistrySigningKey loadOrCreate(Path directory)
            throws IOException
    {
        Files.createDirectories(directory);
        Path keyFile = directory.resolve(KEY_FILE);
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        try {
            if (Files.exists(keyFile) && Files.exists(certificateFile)) {
                KeyFactory keys = KeyFactory.getInstance("EC");
                ECPrivateKey privateKey = (ECPrivateKey) keys.generatePrivate(new PKCS8EncodedKeySpec(pemBody(Files.readString(keyFile, US_ASCII))));
                X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificateFile)));
                return new RegistrySigningKey(privateKey, certificate, certificateFile);
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(pair);
            Path temporaryKey = directory.resolve(KEY_FILE + ".tmp");
            Files.deleteIfExists(temporaryKey);
            Files.createFile(temporaryKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporaryKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), US_ASCII);
            Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()), US_ASCII);
            Files.move(temporaryKey, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new RegistrySigningKey((ECPrivateKey) pair.getPrivate(), certificate, certificateFile);
        }
        catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IOException("cannot read or make the registry token signing key in " + directory + ": " + e.getMessage()
                    + " (remove " + keyFile + " and " + certificateFile + " to make a new one)", e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair)
            throws GeneralSecurityException
    {
        X500Name name = new X500Name("CN=Berth registry token issuer");
        Instant now = Instant.now();
        try {
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        }
        catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String pem)
    {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    ECPrivateKey privateKey()
    {
        return privateKey;
    }

    ECPublicKey publicKey()
    {
        return (ECPublicKey) certificate.getPublicKey();
    }

    byte[] certificateDer()
    {
        try {
            return certificate.getEncoded();
        }
        catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate as PEM, for the registry's auth.token.rootcertbundle. */
    public Path certificateFile()
    {
        return certificateFile;
    }
}
