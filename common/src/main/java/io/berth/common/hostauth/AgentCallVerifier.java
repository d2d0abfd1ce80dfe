package io.berth.common.hostauth;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The agent's check of a call that claims to come from the control plane: signed ({@link AgentCallSignature}) for this
 * host, by one of the control plane's keys the agent pinned, within {@link #MAX_CLOCK_SKEW} of this host's clock, and
 * not seen before (each nonce is remembered for as long as its time is acceptable, so a captured call cannot be
 * replayed).
 */
public final class AgentCallVerifier
{
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Beyond this many calls in one skew window the agent refuses more rather than grow without bound. */
    static final int MAX_REMEMBERED_NONCES = 100_000;
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{16,64}");

    private final String hostId;
    private final Supplier<List<PublicKey>> keys;
    private final Clock clock;
    private final Map<String, Instant> seenNonces = new HashMap<>();

    /** keys: the control plane's keys this agent trusts now (they change when the control plane hands out new ones). */
    public AgentCallVerifier(String hostId, Supplier<List<PublicKey>> keys, Clock clock)
    {
        this.hostId = requireNonNull(hostId, "hostId is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Empty when the call is the control plane's; otherwise why it is refused, in one line. */
    public Optional<String> verify(String authorization, String method, String rawPath, String rawQuery, byte[] body)
    {
        Optional<Map<String, String>> parsed = AgentCallSignature.fields(authorization);
        if (parsed.isEmpty()) {
            return Optional.of("missing " + AgentCallSignature.SCHEME + " authorization: only the control plane may call this agent");
        }
        Map<String, String> fields = parsed.get();
        if (!hostId.equals(fields.get("host"))) {
            return Optional.of("the call is signed for host " + fields.get("host") + ", but this is host " + hostId);
        }
        long time;
        try {
            time = Long.parseLong(fields.getOrDefault("time", ""));
        }
        catch (NumberFormatException e) {
            return Optional.of("the authorization has no valid time");
        }
        String nonce = fields.getOrDefault("nonce", "");
        if (!NONCE.matcher(nonce).matches()) {
            return Optional.of("the authorization has no valid nonce");
        }
        Instant now = clock.instant();
        if (Duration.between(Instant.ofEpochSecond(time), now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            return Optional.of("the call's time is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes from this host's clock: check both clocks");
        }
        List<PublicKey> trusted = keys.get();
        if (trusted.isEmpty()) {
            return Optional.of("this agent has no control-plane key yet: it learns it at the join and at each sync");
        }
        String signature = fields.getOrDefault("signature", "");
        boolean signed = trusted.stream().anyMatch(key -> AgentCallSignature.verifies(key, signature, hostId, method, rawPath, rawQuery, body, time, nonce));
        if (!signed) {
            return Optional.of("the call is not signed by the control plane's key");
        }
        return remember(nonce, Instant.ofEpochSecond(time).plus(MAX_CLOCK_SKEW), now);
    }

    private synchronized Optional<String> remember(String nonce, Instant forgetAfter, Instant now)
    {
        if (seenNonces.containsKey(nonce)) {
            return Optional.of("the call was replayed: its nonce was seen before");
        }
        if (seenNonces.size() >= MAX_REMEMBERED_NONCES) {
            seenNonces.values().removeIf(expiry -> expiry.isBefore(now));
            if (seenNonces.size() >= MAX_REMEMBERED_NONCES) {
                return Optional.of("too many control-plane calls within " + MAX_CLOCK_SKEW.toMinutes() + " minutes: try again later");
            }
        }
        seenNonces.put(nonce, forgetAfter);
        return Optional.empty();
    }
}
