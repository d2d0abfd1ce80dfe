package io.berth.controlplane.secrets;

import java.util.Arrays;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a container's secret comes from (its valueFrom, or a repositoryCredentials.credentialsParameter), as ECS
 * reads it: a Secrets Manager secret's ARN, optionally followed by {@code :JSON-KEY:VERSION-STAGE:VERSION-ID} (each
 * part may be empty); an SSM parameter's ARN ({@code arn:aws:ssm:REGION:ACCOUNT:parameter/NAME}); or an SSM
 * parameter's name. accountId is the ARN's account (null for a bare name: the task's own).
 */
public sealed interface SecretReference
{
    String accountId();

    /** What the reference is, as the user wrote it, for messages. */
    String text();

    record SecretsManagerSecret(String text, String accountId, String secretArn, String jsonKey, String versionStage, String versionId)
            implements SecretReference
    {
        public SecretsManagerSecret
        {
            requireNonNull(text, "text is null");
            requireNonNull(accountId, "accountId is null");
            requireNonNull(secretArn, "secretArn is null");
        }
    }

    record SsmParameter(String text, String accountId, String name)
            implements SecretReference
    {
        public SsmParameter
        {
            requireNonNull(text, "text is null");
            requireNonNull(name, "name is null");
        }
    }

    /** The reference valueFrom names; empty when it is no ARN of Secrets Manager or SSM and no parameter name either. */
    public static Optional<SecretReference> parse(String valueFrom)
    {
        if (valueFrom == null || valueFrom.isBlank()) {
            return Optional.empty();
        }
        if (!valueFrom.startsWith("arn:")) {
            // a bare name is an SSM parameter of the task's own account (and region)
            return valueFrom.contains(":") ? Optional.empty() : Optional.of(new SsmParameter(valueFrom, null, valueFrom));
        }
        String[] parts = valueFrom.split(":", -1);
        if (parts.length < 6 || parts[4].isEmpty()) {
            return Optional.empty();
        }
        String accountId = parts[4];
        return switch (parts[2]) {
            case "secretsmanager" -> {
                if (parts.length < 7 || parts.length > 10 || !parts[5].equals("secret") || parts[6].isEmpty()) {
                    yield Optional.empty();
                }
                String arn = String.join(":", Arrays.copyOfRange(parts, 0, 7));
                yield Optional.of(new SecretsManagerSecret(valueFrom, accountId, arn, part(parts, 7), part(parts, 8), part(parts, 9)));
            }
            case "ssm" -> {
                String resource = String.join(":", Arrays.copyOfRange(parts, 5, parts.length));
                if (!resource.startsWith("parameter/") || resource.length() == "parameter/".length()) {
                    yield Optional.empty();
                }
                String name = resource.substring("parameter/".length());
                // the ARN of /a/b is parameter/a/b, of a plain name c parameter/c: a path's leading slash is kept once
                yield Optional.of(new SsmParameter(valueFrom, accountId, name.contains("/") && !name.startsWith("/") ? "/" + name : name));
            }
            default -> Optional.empty();
        };
    }

    private static String part(String[] parts, int index)
    {
        return index < parts.length && !parts[index].isEmpty() ? parts[index] : null;
    }
}
