package io.berth.controlplane.secrets;

import java.nio.charset.StandardCharsets;

/**
 * A secret's value in clear, held only as long as a request or a task hand-over needs it: either a string
 * (SecretString) or bytes (SecretBinary). Never printed.
 */
public record SecretValue(String string, byte[] binary)
{
    public SecretValue
    {
        if ((string == null) == (binary == null)) {
            throw new IllegalArgumentException("a secret value is a string or bytes, exactly one");
        }
        binary = binary == null ? null : binary.clone();
    }

    public static SecretValue ofString(String value)
    {
        return new SecretValue(value, null);
    }

    public static SecretValue ofBinary(byte[] value)
    {
        return new SecretValue(null, value);
    }

    public boolean isBinary()
    {
        return binary != null;
    }

    public byte[] bytes()
    {
        return binary != null ? binary.clone() : string.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] binary()
    {
        return binary == null ? null : binary.clone();
    }

    @Override
    public String toString()
    {
        return "SecretValue[<hidden>]";
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof SecretValue that && java.util.Objects.equals(string, that.string) && java.util.Arrays.equals(binary, that.binary);
    }

    @Override
    public int hashCode()
    {
        return java.util.Objects.hash(string, java.util.Arrays.hashCode(binary));
    }
}
