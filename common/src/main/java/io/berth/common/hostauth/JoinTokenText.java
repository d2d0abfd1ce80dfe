package io.berth.common.hostauth;

import io.berth.common.tls.CertificatePin;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A join token as the operator copies it: {@code ID.SECRET}, and with a control plane that serves TLS
 * {@code ID.SECRET.sha256:HEX}, the pin of the CA the control plane's certificate chains to. The agent checks the
 * pin before it sends anything, then sends only {@link #credential()}.
 */
public record JoinTokenText(String credential, Optional<CertificatePin> pin)
{
    private static final String PIN_SEPARATOR = "." + CertificatePin.PREFIX;

    public JoinTokenText
    {
        requireNonNull(credential, "credential is null");
        requireNonNull(pin, "pin is null");
    }

    /** The token's parts; IllegalArgumentException when its pin is damaged. */
    public static JoinTokenText parse(String token)
    {
        String text = requireNonNull(token, "token is null").strip();
        int separator = text.lastIndexOf(PIN_SEPARATOR);
        if (separator < 0) {
            return new JoinTokenText(text, Optional.empty());
        }
        return new JoinTokenText(text.substring(0, separator), Optional.of(CertificatePin.parse(text.substring(separator + 1))));
    }

    public static JoinTokenText of(String credential, Optional<CertificatePin> pin)
    {
        return new JoinTokenText(credential, pin);
    }

    @Override
    public String toString()
    {
        return pin.map(value -> credential + "." + value).orElse(credential);
    }
}
