package io.berth.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** X.509 certificates in PEM, read with the JDK's own parser. */
public final class PemCertificates
{
    private PemCertificates() {}

    /** Every certificate in the file, in order; IOException when there is none or one is damaged. */
    public static List<X509Certificate> read(Path file)
            throws IOException
    {
        try {
            return parse(Files.readAllBytes(file));
        }
        catch (IOException e) {
            throw new IOException("cannot read the certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> parse(byte[] pem)
            throws IOException
    {
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in it");
            }
            return certificates;
        }
        catch (CertificateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public static String encode(List<X509Certificate> certificates)
    {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(encode("CERTIFICATE", certificate.getEncoded()));
            }
            catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
            }
        }
        return pem.toString();
    }

    /** One PEM block of type (CERTIFICATE, PRIVATE KEY) around der. */
    public static String encode(String type, byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
