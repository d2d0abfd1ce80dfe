package io.berth.agent.endpoint;

import io.berth.common.tls.PemCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The certificate the agent endpoint serves HTTPS with: a key the agent makes (EC P-256; it never leaves the host) and a
 * certificate of the cluster CA for it and the endpoint's address, asked of the control plane ({@link Issuer}). Kept in
 * DIR/endpoint-tls (key.pem mode 0600, chain.pem) so that an agent that starts while its control plane is away still
 * serves; replaced on {@link #renew()} (a credential rotation) without restarting the endpoint: each handshake takes the
 * current one.
 */
public final class EndpointCertificate
{
    public static final String DIRECTORY = "endpoint-tls";
    private static final String ALIAS = "agent";
    private static final Logger log = LoggerFactory.getLogger(EndpointCertificate.class);

    /** Asks the cluster CA for a certificate: publicKey is the base64 of an EC SubjectPublicKeyInfo. */
    @FunctionalInterface
    public interface Issuer
    {
        List<X509Certificate> issue(String publicKey, String address)
                throws IOException;
    }

    private record Held(PrivateKey key, X509Certificate[] chain) {}

    private final Path directory;
    private final String address;
    private final Issuer issuer;
    private volatile Held held;

    private EndpointCertificate(Path directory, String address, Issuer issuer)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.address = requireNonNull(address, "address is null");
        this.issuer = requireNonNull(issuer, "issuer is null");
    }

    /**
     * A new certificate for address, or (the control plane cannot be asked now) the one kept from before; IOException
     * when there is neither.
     */
    public static EndpointCertificate obtain(Path agentDirectory, String address, Issuer issuer)
            throws IOException
    {
        EndpointCertificate certificate = new EndpointCertificate(agentDirectory.resolve(DIRECTORY), address, issuer);
        try {
            certificate.renew();
        }
        catch (IOException | UncheckedIOException e) {
            if (!certificate.loadKept()) {
                throw new IOException("the agent endpoint has no certificate: the control plane did not issue one (" + e.getMessage() + ")", e);
            }
            log.warn("the agent endpoint serves the certificate it kept: the control plane did not issue a new one ({})", e.getMessage());
        }
        return certificate;
    }

    /** A new key and a certificate for it, kept and served from the next handshake on. */
    public synchronized void renew()
            throws IOException
    {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an EC key: " + e.getMessage(), e);
        }
        List<X509Certificate> chain = issuer.issue(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()), address);
        if (chain.isEmpty() || !chain.getFirst().getPublicKey().equals(pair.getPublic())) {
            throw new IOException("the control plane issued a certificate for another key than the agent's");
        }
        Files.createDirectories(directory);
        Path key = directory.resolve("key.pem");
        Path temporary = directory.resolve("key.pem.tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, PemCertificates.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Path chainTemporary = directory.resolve("chain.pem.tmp");
        Files.writeString(chainTemporary, PemCertificates.encode(chain));
        Files.move(temporary, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(chainTemporary, directory.resolve("chain.pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        held = new Held(pair.getPrivate(), chain.toArray(X509Certificate[]::new));
        log.info("agent endpoint certificate for {} issued, valid until {}", address, chain.getFirst().getNotAfter().toInstant());
    }

    private boolean loadKept()
            throws IOException
    {
        Path key = directory.resolve("key.pem");
        Path chain = directory.resolve("chain.pem");
        if (!Files.exists(key) || !Files.exists(chain)) {
            return false;
        }
        String pem = Files.readString(key);
        String body = pem.replaceAll("-----[A-Z ]+-----", "");
        try {
            PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
            held = new Held(privateKey, PemCertificates.read(chain).toArray(X509Certificate[]::new));
            return true;
        }
        catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the agent endpoint's key in " + key + " is damaged: " + e.getMessage(), e);
        }
    }

    /** A server context that presents the current certificate at each handshake. */
    public SSLContext sslContext()
    {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new CurrentKeyManager()}, null, null);
            return context;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** Presents whatever certificate is held at the time of the handshake. */
    private final class CurrentKeyManager
            extends X509ExtendedKeyManager
    {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine)
        {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket)
        {
            Held current = held;
            return current != null && current.key().getAlgorithm().equalsIgnoreCase(keyType) ? ALIAS : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers)
        {
            String alias = chooseServerAlias(keyType, issuers, null);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias)
        {
            Held current = held;
            return ALIAS.equals(alias) && current != null ? current.chain().clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias)
        {
            Held current = held;
            return ALIAS.equals(alias) && current != null ? current.key() : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers)
        {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket)
        {
            return null;
        }
    }
}
