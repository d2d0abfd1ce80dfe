package io.berth.common.hostauth;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreviousAgentCallKeyTest
{
    private final String key = AgentCallKeys.encode(AgentCallKeys.newKeyPair().getPublic());

    @Test
    void theHeaderValueReadsBackAndTheKeyIsTakenUntilItsEnd()
    {
        PreviousAgentCallKey previous = new PreviousAgentCallKey(key, Instant.ofEpochSecond(1_800_000_000L));

        assertThat(previous.headerValue()).isEqualTo(key + "; until=1800000000");
        assertThat(PreviousAgentCallKey.parse(previous.headerValue())).isEqualTo(previous);
        assertThat(previous.validAt(Instant.ofEpochSecond(1_799_999_999L))).isTrue();
        assertThat(previous.validAt(Instant.ofEpochSecond(1_800_000_000L))).isFalse();
    }

    @Test
    void aDamagedValueIsRefusedSayingWhatIsWrong()
    {
        assertThatThrownBy(() -> PreviousAgentCallKey.parse(key)).hasMessageContaining("'<key>; until=<epoch seconds>'");
        assertThatThrownBy(() -> PreviousAgentCallKey.parse(key + "; until=soon")).hasMessageContaining("epoch seconds");
        assertThatThrownBy(() -> PreviousAgentCallKey.parse("AAAA; until=1")).hasMessageContaining("not an Ed25519 public key");
    }
}
