package io.berth.agent.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LegacyMasqueradeRulesTest
{
    @Test
    void splitsARuleWithAQuotedComment()
    {
        String rule = "-A POSTROUTING -s 10.189.33.2/32 -m comment --comment \"name: \\\"berth-b0\\\" id: \\\"abc\\\"\" -j CNI-02ef61a8";

        assertThat(LegacyMasqueradeRules.tokens(rule)).containsExactly(
                "-A", "POSTROUTING", "-s", "10.189.33.2/32", "-m", "comment", "--comment", "name: \"berth-b0\" id: \"abc\"", "-j", "CNI-02ef61a8");
    }
}
