package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.secrets.SecretReference;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A container's `secrets` ([{name, valueFrom}]) and `repositoryCredentials` ({credentialsParameter}), kept in its
 * otherFields so that they echo as given, checked here at registration: each entry complete, each reference one
 * Berth can resolve (a Secrets Manager secret's ARN, optionally with JSON key, stage and version; an SSM parameter's
 * ARN or name; for credentials a Secrets Manager secret's ARN or name).
 */
public final class ContainerSecretRules
{
    /** One of a container's secrets: the variable name and where its value comes from. */
    public record ContainerSecret(String name, String valueFrom)
    {
        public ContainerSecret
        {
            requireNonNull(name, "name is null");
            requireNonNull(valueFrom, "valueFrom is null");
        }
    }

    private ContainerSecretRules() {}

    /** Checks both fields; the messages name the container and the field. */
    public static void check(ContainerDefinition container)
    {
        Set<String> names = new HashSet<>();
        for (ContainerSecret secret : secrets(container)) {
            if (!names.add(secret.name())) {
                throw InvalidRequestException.invalidValue("Container '" + container.name() + "': the secret name '" + secret.name() + "' is given more than once.");
            }
            if (SecretReference.parse(secret.valueFrom()).isEmpty()) {
                throw InvalidRequestException.invalidValue("Container '" + container.name() + "': secrets '" + secret.name() + "' has valueFrom '" + secret.valueFrom()
                        + "', which is no Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:JSON-KEY:VERSION-STAGE:VERSION-ID]), "
                        + "SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or parameter name.");
            }
        }
        credentialsParameter(container);
    }

    public static List<ContainerSecret> secrets(ContainerDefinition container)
    {
        Object value = container.otherFields().get("secrets");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> entries)) {
            throw InvalidRequestException.invalidValue("Container '" + container.name() + "': 'secrets' must be a list of {\"name\", \"valueFrom\"}.");
        }
        List<ContainerSecret> secrets = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> fields)) {
                throw InvalidRequestException.invalidValue("Container '" + container.name() + "': each of 'secrets' must be {\"name\", \"valueFrom\"}.");
            }
            for (Object key : fields.keySet()) {
                if (!key.equals("name") && !key.equals("valueFrom")) {
                    throw InvalidRequestException.invalidValue("Container '" + container.name() + "': unknown field 'secrets." + key + "': a secret has name and valueFrom.");
                }
            }
            if (!(fields.get("name") instanceof String name) || name.isEmpty() || !(fields.get("valueFrom") instanceof String valueFrom) || valueFrom.isEmpty()) {
                throw InvalidRequestException.invalidValue("Container '" + container.name() + "': each of 'secrets' needs a name and a valueFrom, both strings.");
            }
            secrets.add(new ContainerSecret(name, valueFrom));
        }
        return secrets;
    }

    /** The Secrets Manager secret (ARN or name) the container's image is pulled with; null when it has none. */
    public static String credentialsParameter(ContainerDefinition container)
    {
        Object value = container.otherFields().get("repositoryCredentials");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> fields)) {
            throw InvalidRequestException.invalidValue("Container '" + container.name() + "': 'repositoryCredentials' must be {\"credentialsParameter\": SECRET-ARN}.");
        }
        for (Object key : fields.keySet()) {
            if (!key.equals("credentialsParameter")) {
                throw InvalidRequestException.invalidValue("Container '" + container.name() + "': unknown field 'repositoryCredentials." + key + "'.");
            }
        }
        if (!(fields.get("credentialsParameter") instanceof String parameter) || parameter.isEmpty()) {
            throw InvalidRequestException.invalidValue("Container '" + container.name() + "': 'repositoryCredentials.credentialsParameter' is required: the ARN of a Secrets Manager secret.");
        }
        if (parameter.startsWith("arn:") && !(SecretReference.parse(parameter).orElse(null) instanceof SecretReference.SecretsManagerSecret)) {
            throw InvalidRequestException.invalidValue("Container '" + container.name() + "': 'repositoryCredentials.credentialsParameter' " + parameter
                    + " is no Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME).");
        }
        return parameter;
    }
}
