package io.berth.common.sigv4;

import java.io.ByteArrayOutputStream;

import static java.nio.charset.StandardCharsets.UTF_8;

/** RFC 3986 percent-encoding as SigV4 defines it: everything but A-Z a-z 0-9 - _ . ~ is encoded, in upper-case hex. */
public final class UriEncoding
{
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {}

    public static String encode(String value, boolean keepSlashes)
    {
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlashes && c == '/')) {
                encoded.append(c);
            }
            else {
                encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return encoded.toString();
    }

    /** Decodes %XX escapes; '+' stays '+', as in a URI (not a form). Malformed escapes are kept literally. */
    public static String decode(String value)
    {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && isHex(value.charAt(i + 1)) && isHex(value.charAt(i + 2))) {
                bytes.write(Integer.parseInt(value, i + 1, i + 3, 16));
                i += 3;
            }
            else {
                int codePoint = value.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(UTF_8);
    }

    private static boolean isHex(char c)
    {
        return Character.digit(c, 16) >= 0;
    }
}
