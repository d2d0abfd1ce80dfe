package io.berth.controlplane.secrets;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * An SSM Parameter Store parameter of one account, as stored: sealedValue is its value encrypted by
 * {@link SecretCipher} for this account, name and version, whatever the type (String and StringList too).
 */
public record Parameter(String accountId, String name, ParameterType type, String sealedValue, long version, String description, Instant lastModifiedAt)
{
    public enum ParameterType { String, StringList, SecureString }

    public Parameter
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(sealedValue, "sealedValue is null");
        requireNonNull(lastModifiedAt, "lastModifiedAt is null");
    }

    static String sealingContext(String accountId, String name, long version)
    {
        return "ssm|" + accountId + "|" + name + "|" + version;
    }

    @Override
    public String toString()
    {
        return "Parameter[accountId=" + accountId + ", name=" + name + ", type=" + type + ", version=" + version + "]";
    }
}
