package io.berth.common.hostauth;

import io.berth.common.tls.CertificatePin;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinTokenTextTest
{
    private static final String HEX = "9f".repeat(32);

    @Test
    void aTokenOfAControlPlaneWithTlsCarriesThePinAfterTheSecret()
    {
        JoinTokenText token = JoinTokenText.parse("jt0011223344556677.abcdef.sha256:" + HEX.toUpperCase());

        assertThat(token.credential()).isEqualTo("jt0011223344556677.abcdef");
        assertThat(token.pin()).contains(new CertificatePin(HEX));
        assertThat(token).hasToString("jt0011223344556677.abcdef.sha256:" + HEX);
    }

    @Test
    void aTokenWithoutAPinIsTheCredentialAlone()
    {
        assertThat(JoinTokenText.parse(" jt01.secret\n")).isEqualTo(new JoinTokenText("jt01.secret", Optional.empty()));
    }

    @Test
    void aDamagedPinIsRefused()
    {
        assertThatThrownBy(() -> JoinTokenText.parse("jt01.secret.sha256:12ab"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lower-case hex digits");
    }
}
