package io.berth.common.hostauth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The control plane's agent-call keys as they travel to agents: Ed25519 public keys, written as the base64 of their
 * X.509 SubjectPublicKeyInfo.
 */
public final class AgentCallKeys
{
    public static final String ALGORITHM = "Ed25519";
    /** The header of each sync answer that carries the control plane's key. */
    public static final String SYNC_HEADER = "Berth-Agent-Call-Key";
    /** The header of a sync answer that carries, for a grace after a rotation, the key rotated away from ({@link PreviousAgentCallKey}). */
    public static final String PREVIOUS_SYNC_HEADER = "Berth-Agent-Call-Key-Previous";

    private AgentCallKeys() {}

    public static KeyPair newKeyPair()
    {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    public static String encode(PublicKey key)
    {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** The key in text; IllegalArgumentException when it is not an Ed25519 public key. */
    public static PublicKey decode(String text)
    {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text.strip())));
        }
        catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }
}
