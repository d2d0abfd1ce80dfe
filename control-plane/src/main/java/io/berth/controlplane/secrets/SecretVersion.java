package io.berth.controlplane.secrets;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One version of a secret's value, as stored: sealedValue is the value encrypted by {@link SecretCipher} for this
 * secret and version (never the value itself); binary tells SecretBinary from SecretString. stages are its staging
 * labels (AWSCURRENT, AWSPREVIOUS).
 */
public record SecretVersion(String secretArn, String versionId, List<String> stages, String sealedValue, boolean binary, Instant createdAt)
{
    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";

    public SecretVersion
    {
        requireNonNull(secretArn, "secretArn is null");
        requireNonNull(versionId, "versionId is null");
        stages = List.copyOf(stages);
        requireNonNull(sealedValue, "sealedValue is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public boolean has(String stage)
    {
        return stages.contains(stage);
    }

    public SecretVersion withStages(List<String> value)
    {
        return new SecretVersion(secretArn, versionId, value, sealedValue, binary, createdAt);
    }

    /** What the value is sealed for: a sealed value moved to another secret or version does not open. */
    static String sealingContext(String secretArn, String versionId)
    {
        return "secretsmanager|" + secretArn + "|" + versionId;
    }

    @Override
    public String toString()
    {
        return "SecretVersion[secretArn=" + secretArn + ", versionId=" + versionId + ", stages=" + stages + "]";
    }
}
