package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.tls.PemCertificates;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * The Ed25519 key the control plane signs its calls to agents with, kept in a file of the data directory (mode 0600,
 * PEM PKCS#8 with the public key after it), never in the store: whoever reads the store cannot pose as the control
 * plane to an agent. Replicas of one cluster use the same file (copied with DIR/tls).
 */
public record AgentCallSigningKey(PrivateKey privateKey, PublicKey publicKey)
{
    public static final String FILE_NAME = "agent-call.key";

    public AgentCallSigningKey
    {
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(publicKey, "publicKey is null");
    }

    /** A key held in memory only, for a control plane that makes no calls that must survive it (tests). */
    public static AgentCallSigningKey ephemeral()
    {
        KeyPair pair = AgentCallKeys.newKeyPair();
        return new AgentCallSigningKey(pair.getPrivate(), pair.getPublic());
    }

    /** The key in file, or a new one written there (readable by its owner only) the first time. */
    public static AgentCallSigningKey loadOrCreate(Path file)
            throws IOException
    {
        if (Files.exists(file)) {
            return read(file);
        }
        AgentCallSigningKey key = ephemeral();
        key.writeTo(file);
        return key;
    }

    /** Writes this key to file (readable by its owner only), replacing what it held in one step. */
    void writeTo(Path file)
            throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, PemCertificates.encode("PRIVATE KEY", privateKey.getEncoded()) + PemCertificates.encode("PUBLIC KEY", publicKey.getEncoded()));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The key in file; IOException when it is missing or damaged. */
    static AgentCallSigningKey read(Path file)
            throws IOException
    {
        String pem = Files.readString(file);
        try {
            KeyFactory factory = KeyFactory.getInstance(AgentCallKeys.ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(block(pem, "PRIVATE KEY", file)));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(block(pem, "PUBLIC KEY", file)));
            return new AgentCallSigningKey(privateKey, publicKey);
        }
        catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the control plane's agent-call key in " + file + " is damaged (" + e.getMessage() + "): restore it from a replica or a backup", e);
        }
    }

    private static byte[] block(String pem, String type, Path file)
            throws IOException
    {
        String begin = "-----BEGIN " + type + "-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END " + type + "-----");
        if (start < 0 || end < start) {
            throw new IOException("no " + type + " in " + file);
        }
        return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    }

    /** The public key as agents receive it. */
    public String publicKeyText()
    {
        return AgentCallKeys.encode(publicKey);
    }

    @Override
    public String toString()
    {
        return "AgentCallSigningKey[" + publicKeyText() + "]";
    }
}
