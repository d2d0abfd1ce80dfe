package io.berth.common.hostauth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's signature on a call it makes to a host's agent:
 * {@code Authorization: Berth-HMAC-SHA256 host=<hostId>, time=<epoch seconds>, signature=<hex>}, the HMAC-SHA256
 * of "METHOD\nraw path\nraw query\ntime" keyed by the SHA-256 of the host's secret. The time bounds replays.
 */
public final class HostRequestSignature
{
    public static final String SCHEME = "Berth-HMAC-SHA256";
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private HostRequestSignature() {}

    /** The Authorization header value for a request to hostId, signed with the hash of its secret. */
    public static String sign(String hostId, String secretHash, String method, String rawPath, String rawQuery, Instant now)
    {
        long time = now.getEpochSecond();
        return SCHEME + " host=" + hostId + ", time=" + time + ", signature=" + hmac(secretHash, method, rawPath, rawQuery, time);
    }

    /** Empty when valid; otherwise why the request is refused, in one line. */
    public static Optional<String> verify(String authorization, String hostId, String secretHash, String method, String rawPath, String rawQuery, Instant now)
    {
        if (authorization == null || !authorization.startsWith(SCHEME + " ")) {
            return Optional.of("missing " + SCHEME + " authorization: only the control plane may call this agent");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : authorization.substring(SCHEME.length() + 1).split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                fields.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
            }
        }
        if (!hostId.equals(fields.get("host"))) {
            return Optional.of("the request is signed for host " + fields.get("host") + ", but this is host " + hostId);
        }
        long time;
        try {
            time = Long.parseLong(requireNonNull(fields.get("time"), "time"));
        }
        catch (RuntimeException e) {
            return Optional.of("the authorization has no valid time");
        }
        if (Duration.between(Instant.ofEpochSecond(time), now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            return Optional.of("the request time is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes from this host's clock: check both clocks");
        }
        String expected = hmac(secretHash, method, rawPath, rawQuery, time);
        String actual = fields.getOrDefault("signature", "");
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("the request signature does not match this host's credential");
        }
        return Optional.empty();
    }

    private static String hmac(String secretHash, String method, String rawPath, String rawQuery, long time)
    {
        String payload = method + "\n" + rawPath + "\n" + (rawQuery == null ? "" : rawQuery) + "\n" + time;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretHash.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
