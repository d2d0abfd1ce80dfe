package io.berth.controlplane.tls;

import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.PemCertificates;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the API serves TLS with: a private key and its certificate chain (the server's certificate first). The pin a
 * join token carries is the last certificate's, the one the chain ends at: the cluster CA, or the top of the
 * operator's own chain (the server's certificate itself when the operator gives that alone).
 */
public final class ServerTls
{
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    public ServerTls(PrivateKey privateKey, List<X509Certificate> chain)
    {
        this.privateKey = requireNonNull(privateKey, "privateKey is null");
        this.chain = List.copyOf(chain);
        if (this.chain.isEmpty()) {
            throw new IllegalArgumentException("a server certificate chain needs at least the server's certificate");
        }
    }

    /** The operator's certificate chain (PEM, server certificate first) and its private key (PEM). */
    public static ServerTls fromFiles(Path certificateFile, Path keyFile)
            throws IOException
    {
        ServerTls tls = new ServerTls(PemKeys.readPrivateKey(keyFile), PemCertificates.read(certificateFile));
        if (!keyMatchesCertificate(tls)) {
            throw new IOException("the key in " + keyFile + " is not the key of the first certificate in " + certificateFile);
        }
        return tls;
    }

    private static boolean keyMatchesCertificate(ServerTls tls)
            throws IOException
    {
        // a signature made with the key and checked with the certificate's public key proves the two belong together
        try {
            String algorithm = tls.privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + tls.privateKey.getAlgorithm();
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(tls.privateKey);
            byte[] probe = "berth".getBytes();
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(tls.chain.getFirst().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        }
        catch (GeneralSecurityException e) {
            throw new IOException("cannot check the key against the certificate: " + e.getMessage(), e);
        }
    }

    public List<X509Certificate> chain()
    {
        return chain;
    }

    /** What an agent checks the control plane by before it sends its join token. */
    public CertificatePin pin()
    {
        return CertificatePin.of(chain.getLast());
    }

    /** A server context presenting this key and chain. */
    public SSLContext sslContext()
    {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", privateKey, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the API's TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the chain (PEM, server certificate first) and the private key (PEM PKCS#8, readable by its owner only) for
     * a server of another program to present, e.g. the registry; each file is replaced in one step.
     */
    public void writePem(Path certificateFile, Path keyFile)
            throws IOException
    {
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        Path temporaryKey = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
        Files.deleteIfExists(temporaryKey);
        Files.createFile(temporaryKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporaryKey, PemCertificates.encode("PRIVATE KEY", privateKey.getEncoded()));
        Files.move(temporaryKey, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(certificateFile.toAbsolutePath().getParent());
        Path temporaryChain = certificateFile.resolveSibling(certificateFile.getFileName() + ".tmp");
        Files.writeString(temporaryChain, PemCertificates.encode(chain));
        Files.move(temporaryChain, certificateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
