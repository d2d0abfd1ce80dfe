package io.berth.controlplane.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.RegistryLogin;
import io.berth.common.agentprotocol.TaskSecrets;
import io.berth.common.json.Json;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.ContainerSecretRules;
import io.berth.controlplane.taskdefinitions.ContainerSecretRules.ContainerSecret;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.tasks.Task;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Resolves a task's container `secrets` and `repositoryCredentials` from its account's secrets and parameters, at
 * the moment its host is handed the task, for that task alone: the values travel in the assignment and are stored
 * nowhere. A reference to another account, or to something missing, fails the task (the exception's message is
 * its stoppedReason, naming the reference).
 */
public final class TaskSecretResolver
{
    private final SecretService secrets;
    private final ParameterService parameters;

    public TaskSecretResolver(SecretService secrets, ParameterService parameters)
    {
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.parameters = requireNonNull(parameters, "parameters is null");
    }

    /** The task's secrets; null when none of its containers has any. */
    public TaskSecrets resolve(StoreTransaction transaction, Task task)
    {
        Optional<TaskDefinition> definition = definition(transaction, task);
        if (definition.isEmpty()) {
            return null;
        }
        Map<String, Map<String, String>> environment = new LinkedHashMap<>();
        Map<String, RegistryLogin> logins = new LinkedHashMap<>();
        for (ContainerDefinition container : definition.get().containerDefinitions()) {
            Map<String, String> variables = new LinkedHashMap<>();
            for (ContainerSecret secret : ContainerSecretRules.secrets(container)) {
                variables.put(secret.name(), value(transaction, task.accountId(), secret.valueFrom()));
            }
            if (!variables.isEmpty()) {
                environment.put(container.name(), variables);
            }
            String credentials = ContainerSecretRules.credentialsParameter(container);
            if (credentials != null) {
                logins.put(container.name(), registryLogin(transaction, task.accountId(), credentials, container.image()));
            }
        }
        return environment.isEmpty() && logins.isEmpty() ? null : new TaskSecrets(environment, logins);
    }

    private static Optional<TaskDefinition> definition(StoreTransaction transaction, Task task)
    {
        if (task.accountId() == null || task.taskDefinitionArn() == null) {
            return Optional.empty();
        }
        return Arns.parse(task.taskDefinitionArn())
                .map(Arns.Arn::resourceId)
                .filter(familyAndRevision -> familyAndRevision.lastIndexOf(':') > 0)
                .flatMap(familyAndRevision -> {
                    int colon = familyAndRevision.lastIndexOf(':');
                    try {
                        return transaction.taskDefinitions().find(task.accountId(), familyAndRevision.substring(0, colon), Integer.parseInt(familyAndRevision.substring(colon + 1)));
                    }
                    catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                });
    }

    /** The value a container's valueFrom names, in clear. */
    String value(StoreTransaction transaction, String accountId, String valueFrom)
    {
        SecretReference reference = SecretReference.parse(valueFrom)
                .orElseThrow(() -> new SecretsUnavailableException("invalid valueFrom " + valueFrom + ": no Secrets Manager secret or SSM parameter"));
        return switch (reference) {
            case SecretReference.SecretsManagerSecret secret -> secretValue(transaction, accountId, secret);
            case SecretReference.SsmParameter parameter -> {
                boolean own = parameter.accountId() == null || parameter.accountId().equals(accountId);
                Optional<String> value = own ? parameters.valueFor(transaction, accountId, parameter.name()) : Optional.empty();
                yield value.orElseThrow(() -> new SecretsUnavailableException(
                        "unable to retrieve secrets from ssm: invalid parameters: " + parameter.text()));
            }
        };
    }

    private String secretValue(StoreTransaction transaction, String accountId, SecretReference.SecretsManagerSecret secret)
    {
        SecretService.ReadValue read;
        try {
            if (!secret.accountId().equals(accountId)) {
                // another account's secret is not found, exactly as a missing one
                throw SecretsException.notFound("Secrets Manager can't find the specified secret.");
            }
            read = secrets.valueFor(transaction, accountId, secret.secretArn(), secret.versionId(), secret.versionStage());
        }
        catch (SecretsException e) {
            throw new SecretsUnavailableException("unable to retrieve secret from asm: failed to fetch secret " + secret.secretArn()
                    + " from secrets manager: " + errorName(e) + ": " + e.getMessage());
        }
        if (secret.jsonKey() == null) {
            if (read.value().isBinary()) {
                throw new SecretsUnavailableException("unable to retrieve secret from asm: secret " + secret.secretArn() + " holds SecretBinary; an environment variable takes a SecretString");
            }
            return read.value().string();
        }
        JsonNode field = json(read, secret.secretArn()).get(secret.jsonKey());
        if (field == null || field.isNull()) {
            throw new SecretsUnavailableException("unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key " + secret.jsonKey()
                    + " (secret " + secret.secretArn() + ")");
        }
        return field.isTextual() ? field.asText() : field.toString();
    }

    private RegistryLogin registryLogin(StoreTransaction transaction, String accountId, String credentialsParameter, String image)
    {
        String arn = credentialsParameter;
        String versionPart = null;
        if (credentialsParameter.startsWith("arn:")) {
            SecretReference.SecretsManagerSecret parsed = (SecretReference.SecretsManagerSecret) SecretReference.parse(credentialsParameter).orElseThrow();
            arn = parsed.accountId().equals(accountId) ? parsed.secretArn() : null;
            versionPart = parsed.versionStage();
        }
        SecretService.ReadValue read;
        try {
            if (arn == null) {
                throw SecretsException.notFound("Secrets Manager can't find the specified secret.");
            }
            read = secrets.valueFor(transaction, accountId, arn, null, versionPart);
        }
        catch (SecretsException e) {
            throw new SecretsUnavailableException("unable to retrieve secret from asm: failed to fetch secret " + credentialsParameter
                    + " from secrets manager: " + errorName(e) + ": " + e.getMessage());
        }
        JsonNode credentials = json(read, credentialsParameter);
        JsonNode username = credentials.get("username");
        JsonNode password = credentials.get("password");
        if (username == null || !username.isTextual() || password == null || !password.isTextual()) {
            throw new SecretsUnavailableException("unable to retrieve secret from asm: the repository credentials in " + credentialsParameter
                    + " must be a JSON object {\"username\": ..., \"password\": ...}");
        }
        return new RegistryLogin(registryOf(image), username.asText(), password.asText());
    }

    private static JsonNode json(SecretService.ReadValue read, String reference)
    {
        if (!read.value().isBinary()) {
            try {
                JsonNode node = Json.mapper().readTree(read.value().string());
                if (node != null && node.isObject()) {
                    return node;
                }
            }
            catch (IOException e) {
                // not JSON: said below, without the value
            }
        }
        throw new SecretsUnavailableException("unable to retrieve secret from asm: the secret " + reference + " is not a JSON object");
    }

    /** The registry an image reference names: its first part when that is a host (has . or :, or is localhost), else Docker Hub. */
    static String registryOf(String image)
    {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }

    private static String errorName(SecretsException e)
    {
        return switch (e.kind()) {
            case NOT_FOUND -> "ResourceNotFoundException";
            case INVALID_REQUEST -> "InvalidRequestException";
            case INVALID_PARAMETER -> "InvalidParameterException";
            case ALREADY_EXISTS -> "ResourceExistsException";
        };
    }
}
