package io.berth.controlplane.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

/** Private keys in PEM as operators have them: PKCS#8, or the older RSA and EC forms of OpenSSL, parsed by BouncyCastle. */
final class PemKeys
{
    private PemKeys() {}

    static PrivateKey readPrivateKey(Path file)
            throws IOException
    {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        }
        catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the private key in " + file + ": " + e.getMessage(), e);
        }
        throw new IOException("no unencrypted private key in " + file + " (PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
}
