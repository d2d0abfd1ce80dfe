package io.berth.controlplane.secrets;

import io.berth.controlplane.resources.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTagRulesTest
{
    @Test
    void secretsManagerTagRules()
    {
        assertThatCode(() -> SecretService.checkTag(new Tag("team", "red"))).doesNotThrowAnyException();
        assertThatCode(() -> SecretService.checkTag(new Tag("k".repeat(128), "v".repeat(256)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> SecretService.checkTag(new Tag("", "v"))).isInstanceOf(SecretsException.class).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> SecretService.checkTag(new Tag("k".repeat(129), "v"))).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> SecretService.checkTag(new Tag("k", "v".repeat(257)))).hasMessageContaining("256");
        assertThatThrownBy(() -> SecretService.checkTag(new Tag("AWS:owner", "v"))).hasMessageContaining("aws:");
    }
}
