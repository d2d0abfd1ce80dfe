package io.berth.controlplane.tls;

import io.berth.common.tls.PemCertificates;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The cluster's own CA: an EC P-256 key (DIR/ca.key, mode 0600) and its self-signed certificate (DIR/ca.pem, what
 * clients trust: AWS_CA_BUNDLE), made on first start and kept, so clients and joined agents go on trusting a
 * restarted control plane. It signs the API's server certificate, made again at each start for the names of the day,
 * and each agent's endpoint certificate (the control plane trusts its agents by this CA).
 */
public final class ClusterCertificateAuthority
{
    public static final String CERTIFICATE_FILE = "ca.pem";
    public static final String KEY_FILE = "ca.key";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    // clocks of clients a little behind still accept a certificate made a moment ago
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Path certificateFile;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private ClusterCertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Path certificateFile, Clock clock)
    {
        this.certificate = requireNonNull(certificate, "certificate is null");
        this.privateKey = requireNonNull(privateKey, "privateKey is null");
        this.certificateFile = requireNonNull(certificateFile, "certificateFile is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The CA kept in directory, or a new one written there the first time. */
    public static ClusterCertificateAuthority loadOrCreate(Path directory, Clock clock)
            throws IOException
    {
        Files.createDirectories(directory);
        Path keyFile = directory.resolve(KEY_FILE);
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        if (Files.exists(keyFile) && Files.exists(certificateFile)) {
            return new ClusterCertificateAuthority(PemCertificates.read(certificateFile).getFirst(), PemKeys.readPrivateKey(keyFile), certificateFile, clock);
        }
        try {
            KeyPair pair = newKeyPair();
            X500Name name = new X500Name("CN=Berth cluster CA " + Long.toHexString(new SecureRandom().nextLong()));
            Instant now = clock.instant();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = sign(builder, pair.getPrivate());
            // the key first, readable by its owner only, and the certificate last: a crash in between leaves no CA half made
            Path temporaryKey = directory.resolve(KEY_FILE + ".tmp");
            Files.deleteIfExists(temporaryKey);
            Files.createFile(temporaryKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporaryKey, PemCertificates.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.move(temporaryKey, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path temporaryCertificate = directory.resolve(CERTIFICATE_FILE + ".tmp");
            Files.writeString(temporaryCertificate, PemCertificates.encode(List.of(certificate)));
            Files.move(temporaryCertificate, certificateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new ClusterCertificateAuthority(certificate, pair.getPrivate(), certificateFile, clock);
        }
        catch (GeneralSecurityException | CertIOException e) {
            throw new IOException("cannot make the cluster CA in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server certificate for the API, valid for each of the names and addresses (IP literals become IP address
     * names, the rest DNS names), with the CA's certificate after it in the chain.
     */
    public ServerTls issueServerCertificate(Set<String> names)
            throws IOException
    {
        try {
            KeyPair pair = newKeyPair();
            return new ServerTls(pair.getPrivate(), issue(new X500Name("CN=Berth API"), names, pair.getPublic()));
        }
        catch (GeneralSecurityException e) {
            throw new IOException("cannot make the API's server certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A server certificate for a host's agent endpoint, for the key the agent made (it never leaves the host) and the
     * address it listens on; its common name is {@link #agentCommonName(String)}, which the control plane checks when it
     * calls that host, so that one host's certificate cannot answer for another's address. The CA's certificate follows.
     */
    public List<X509Certificate> issueAgentCertificate(String hostId, String address, PublicKey agentKey)
            throws IOException
    {
        try {
            return issue(new X500Name("CN=" + agentCommonName(hostId)), Set.of(address), agentKey);
        }
        catch (GeneralSecurityException e) {
            throw new IOException("cannot make the certificate of host " + hostId + ": " + e.getMessage(), e);
        }
    }

    /** The common name of a host's agent certificate. */
    public static String agentCommonName(String hostId)
    {
        return "Berth agent " + hostId;
    }

    private List<X509Certificate> issue(X500Name subject, Set<String> names, PublicKey key)
            throws GeneralSecurityException, CertIOException
    {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        List<GeneralName> alternativeNames = new ArrayList<>();
        for (String name : names) {
            alternativeNames.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
        }
        Instant now = clock.instant();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random), Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(SERVER_VALIDITY)), subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames.toArray(GeneralName[]::new)))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
        return List.of(sign(builder, privateKey), certificate);
    }

    public X509Certificate certificate()
    {
        return certificate;
    }

    /** DIR/ca.pem: what clients are told to trust (AWS_CA_BUNDLE). */
    public Path certificateFile()
    {
        return certificateFile;
    }

    private static boolean isAddress(String name)
    {
        // an IPv4 literal or anything with a colon (IPv6): InetAddress parses literals without a lookup
        if (!name.contains(":") && !name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            InetAddress.ofLiteral(name);
            return true;
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair()
            throws GeneralSecurityException
    {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random)
    {
        // positive and at most 20 bytes, as RFC 5280 wants
        return new BigInteger(127, random);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException
    {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        }
        catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }
}
