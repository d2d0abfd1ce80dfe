package io.berth.common.hostauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's signature on a call it makes to a host's agent:
 * {@code Authorization: Berth-Ed25519 host=<hostId>, time=<epoch seconds>, nonce=<hex>, signature=<base64>}, an
 * Ed25519 signature over the host, method, raw path, raw query, the SHA-256 of the body, the time and the nonce. The
 * key is the control plane's own (kept in its data directory, never in the store): whoever reads the store cannot sign.
 * The time bounds how long a captured call stays usable; the nonce lets the agent refuse it a second time
 * ({@link AgentCallVerifier}).
 */
public final class AgentCallSignature
{
    public static final String SCHEME = "Berth-Ed25519";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentCallSignature() {}

    /** The Authorization header value for a call to hostId (body null or empty for none). */
    public static String sign(PrivateKey key, String hostId, String method, String rawPath, String rawQuery, byte[] body, Instant now)
    {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return sign(key, hostId, method, rawPath, rawQuery, body, now.getEpochSecond(), HexFormat.of().formatHex(nonce));
    }

    static String sign(PrivateKey key, String hostId, String method, String rawPath, String rawQuery, byte[] body, long time, String nonce)
    {
        requireNonNull(key, "key is null");
        try {
            Signature signer = Signature.getInstance(AgentCallKeys.ALGORITHM);
            signer.initSign(key);
            signer.update(payload(hostId, method, rawPath, rawQuery, body, time, nonce));
            return SCHEME + " host=" + hostId + ", time=" + time + ", nonce=" + nonce + ", signature=" + Base64.getEncoder().encodeToString(signer.sign());
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a call to host " + hostId + " with the control plane's key: " + e.getMessage(), e);
        }
    }

    /** The fields of a header of this scheme; empty when the header is not one. */
    static Optional<Map<String, String>> fields(String authorization)
    {
        if (authorization == null || !authorization.startsWith(SCHEME + " ")) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : authorization.substring(SCHEME.length() + 1).split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                fields.putIfAbsent(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
            }
        }
        return Optional.of(fields);
    }

    /** Whether signature is key's over the call. */
    static boolean verifies(PublicKey key, String signature, String hostId, String method, String rawPath, String rawQuery, byte[] body, long time, String nonce)
    {
        try {
            Signature verifier = Signature.getInstance(AgentCallKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(payload(hostId, method, rawPath, rawQuery, body, time, nonce));
            return verifier.verify(Base64.getDecoder().decode(signature));
        }
        catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] payload(String hostId, String method, String rawPath, String rawQuery, byte[] body, long time, String nonce)
    {
        String bodyDigest;
        try {
            bodyDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        String payload = SCHEME + "\n" + hostId + "\n" + method + "\n" + rawPath + "\n" + (rawQuery == null ? "" : rawQuery) + "\n" + bodyDigest + "\n" + time + "\n" + nonce;
        return payload.getBytes(StandardCharsets.UTF_8);
    }
}
