package io.berth.common.hostauth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCallSignatureTest
{
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final String PATH = "/v1/patches/p1";
    private static final String QUERY = "bodySha256=abc";
    private static final byte[] BODY = "{\"command\":\"true\"}".getBytes(StandardCharsets.UTF_8);

    private final KeyPair controlPlane = AgentCallKeys.newKeyPair();
    private final AtomicReference<List<PublicKey>> trusted = new AtomicReference<>(List.of(controlPlane.getPublic()));
    private final AgentCallVerifier verifier = new AgentCallVerifier("host-1", trusted::get, Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC));

    @Test
    void aCallSignedByTheControlPlanesKeyVerifiesOnce()
    {
        String header = AgentCallSignature.sign(controlPlane.getPrivate(), "host-1", "POST", PATH, QUERY, BODY, NOW);

        assertThat(verifier.verify(header, "POST", PATH, QUERY, BODY)).isEmpty();
        assertThat(verifier.verify(header, "POST", PATH, QUERY, BODY)).get().asString().contains("replayed");
    }

    @Test
    void aTamperedCallIsRefused()
    {
        String header = AgentCallSignature.sign(controlPlane.getPrivate(), "host-1", "POST", PATH, QUERY, BODY, NOW);

        assertThat(verifier.verify(header, "GET", PATH, QUERY, BODY)).get().asString().contains("not signed by the control plane");
        assertThat(verifier.verify(header, "POST", "/v1/patches/p2", QUERY, BODY)).isPresent();
        assertThat(verifier.verify(header, "POST", PATH, "bodySha256=abd", BODY)).isPresent();
        assertThat(verifier.verify(header, "POST", PATH, QUERY, "{\"command\":\"reboot\"}".getBytes(StandardCharsets.UTF_8))).isPresent();
        assertThat(verifier.verify(header.replace("time=" + NOW.getEpochSecond(), "time=" + (NOW.getEpochSecond() + 1)), "POST", PATH, QUERY, BODY)).isPresent();
        assertThat(verifier.verify(header.replaceFirst("nonce=[0-9a-f]+", "nonce=0123456789abcdef0123456789abcdef"), "POST", PATH, QUERY, BODY)).isPresent();
        // none of the refused ones used the nonce up: the genuine call still passes
        assertThat(verifier.verify(header, "POST", PATH, QUERY, BODY)).isEmpty();
    }

    @Test
    void aCallForAnotherHostWithAnotherKeyOrAtAnotherTimeIsRefused()
    {
        KeyPair impostor = AgentCallKeys.newKeyPair();

        assertThat(verifier.verify(AgentCallSignature.sign(controlPlane.getPrivate(), "host-2", "GET", PATH, null, null, NOW), "GET", PATH, null, null))
                .get().asString().contains("host-2");
        assertThat(verifier.verify(AgentCallSignature.sign(impostor.getPrivate(), "host-1", "GET", PATH, null, null, NOW), "GET", PATH, null, null))
                .get().asString().contains("not signed by the control plane");
        assertThat(verifier.verify(AgentCallSignature.sign(controlPlane.getPrivate(), "host-1", "GET", PATH, null, null, NOW.minusSeconds(600)), "GET", PATH, null, null))
                .get().asString().contains("clock");
        assertThat(verifier.verify(null, "GET", PATH, null, null)).get().asString().contains("only the control plane");
        assertThat(verifier.verify("Berth-HMAC-SHA256 host=host-1, time=1, signature=00", "GET", PATH, null, null)).isPresent();
    }

    @Test
    void theKeysTrustedAreTheOnesHeldNow()
    {
        KeyPair next = AgentCallKeys.newKeyPair();
        String byOld = AgentCallSignature.sign(controlPlane.getPrivate(), "host-1", "GET", PATH, null, null, NOW);
        String byNext = AgentCallSignature.sign(next.getPrivate(), "host-1", "GET", PATH, null, null, NOW);

        trusted.set(List.of(next.getPublic()));
        assertThat(verifier.verify(byNext, "GET", PATH, null, null)).isEmpty();
        assertThat(verifier.verify(byOld, "GET", PATH, null, null)).isPresent();

        trusted.set(List.of());
        assertThat(verifier.verify(AgentCallSignature.sign(next.getPrivate(), "host-1", "GET", PATH, null, null, NOW), "GET", PATH, null, null))
                .get().asString().contains("no control-plane key");
    }

    @Test
    void keysRoundTripThroughTheirText()
    {
        assertThat(AgentCallKeys.decode(AgentCallKeys.encode(controlPlane.getPublic()))).isEqualTo(controlPlane.getPublic());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentCallKeys.decode("bm90IGEga2V5")).isInstanceOf(IllegalArgumentException.class);
    }
}
