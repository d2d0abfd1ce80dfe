package io.berth.controlplane.api.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.SignedJsonAction;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.secrets.Secret;
import io.berth.controlplane.secrets.SecretService;
import io.berth.controlplane.secrets.SecretValue;
import io.berth.controlplane.secrets.SecretVersion;
import io.berth.controlplane.secrets.SecretsException;

import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static io.berth.controlplane.api.actions.JsonFields.putIfNotNull;
import static io.berth.controlplane.api.actions.JsonFields.putTime;
import static java.util.Objects.requireNonNull;

/**
 * CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, ListSecrets and DeleteSecret in Secrets Manager's
 * shapes (PascalCase fields, epoch-second dates, SecretBinary as base64). Fields Berth does not honour (KMS keys,
 * replicas, rotation, list filters) are refused with InvalidParameterException naming them.
 */
public final class SecretsManagerActions
{
    public static final String SIGNING_NAME = "secretsmanager";
    public static final String TARGET_PREFIX = "secretsmanager.";
    private static final int MAX_RESULTS = 100;

    private final SecretService secrets;

    public SecretsManagerActions(SecretService secrets)
    {
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                action("CreateSecret", Set.of("Name", "ClientRequestToken", "Description", "KmsKeyId", "SecretBinary", "SecretString", "Tags",
                        "AddReplicaRegions", "ForceOverwriteReplicaSecret"), this::createSecret),
                action("GetSecretValue", Set.of("SecretId", "VersionId", "VersionStage"), this::getSecretValue),
                action("PutSecretValue", Set.of("SecretId", "ClientRequestToken", "SecretBinary", "SecretString", "VersionStages", "RotationToken"), this::putSecretValue),
                action("DescribeSecret", Set.of("SecretId"), this::describeSecret),
                action("ListSecrets", Set.of("IncludePlannedDeletion", "MaxResults", "NextToken", "Filters", "SortOrder", "SortBy"), this::listSecrets),
                action("DeleteSecret", Set.of("SecretId", "RecoveryWindowInDays", "ForceDeleteWithoutRecovery"), this::deleteSecret),
                action("UpdateSecret", Set.of("SecretId", "ClientRequestToken", "Description", "KmsKeyId", "SecretBinary", "SecretString"), this::updateSecret),
                action("RestoreSecret", Set.of("SecretId"), this::restoreSecret),
                action("TagResource", Set.of("SecretId", "Tags"), this::tagResource),
                action("UntagResource", Set.of("SecretId", "TagKeys"), this::untagResource));
    }

    private static EcsAction action(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
    {
        return new SignedJsonAction(name, "Secrets Manager", fields, handler, SecretsManagerActions::error, "InvalidParameterException");
    }

    private static EcsException error(RuntimeException e)
    {
        if (e instanceof SecretsException secrets) {
            return new EcsException(switch (secrets.kind()) {
                case NOT_FOUND -> "ResourceNotFoundException";
                case ALREADY_EXISTS -> "ResourceExistsException";
                case INVALID_PARAMETER -> "InvalidParameterException";
                case INVALID_REQUEST -> "InvalidRequestException";
            }, e.getMessage());
        }
        return null;
    }

    private JsonNode createSecret(RequestContext context, JsonNode request)
    {
        refuse(request, "KmsKeyId", "Berth encrypts every secret with its own key; leave out KmsKeyId.");
        refuse(request, "AddReplicaRegions", "Berth's Secrets Manager has no replicas; leave out AddReplicaRegions.");
        refuse(request, "ForceOverwriteReplicaSecret", "Berth's Secrets Manager has no replicas; leave out ForceOverwriteReplicaSecret.");
        SecretService.SecretAndVersion created = secrets.create(context.account().accountId(), context.region(), optionalString(request, "Name"),
                optionalString(request, "Description"), tags(request), optionalString(request, "ClientRequestToken"), value(request));
        ObjectNode response = identity(created.secret());
        if (created.version() != null) {
            response.put("VersionId", created.version().versionId());
        }
        return response;
    }

    private JsonNode updateSecret(RequestContext context, JsonNode request)
    {
        refuse(request, "KmsKeyId", "Berth encrypts every secret with its own key; leave out KmsKeyId.");
        SecretService.SecretAndVersion updated = secrets.update(context.account().accountId(), optionalString(request, "SecretId"),
                optionalString(request, "Description"), optionalString(request, "ClientRequestToken"), value(request));
        ObjectNode response = identity(updated.secret());
        if (updated.version() != null) {
            response.put("VersionId", updated.version().versionId());
        }
        return response;
    }

    private JsonNode restoreSecret(RequestContext context, JsonNode request)
    {
        return identity(secrets.restore(context.account().accountId(), optionalString(request, "SecretId")));
    }

    private JsonNode tagResource(RequestContext context, JsonNode request)
    {
        if (optionalObjects(request, "Tags").isEmpty()) {
            throw EcsException.invalidParameter("Tags is required: give [{\"Key\": \"team\", \"Value\": \"a\"}].");
        }
        secrets.tag(context.account().accountId(), optionalString(request, "SecretId"), tags(request));
        return JsonFields.object();
    }

    private JsonNode untagResource(RequestContext context, JsonNode request)
    {
        List<String> keys = optionalStrings(request, "TagKeys");
        if (keys == null || keys.isEmpty()) {
            throw EcsException.invalidParameter("TagKeys is required: give the keys of the tags to remove.");
        }
        secrets.untag(context.account().accountId(), optionalString(request, "SecretId"), keys);
        return JsonFields.object();
    }

    /** Tags as Secrets Manager writes them: [{"Key", "Value"}]; empty when absent. */
    private static List<Tag> tags(JsonNode request)
    {
        return optionalObjects(request, "Tags").stream().map(tag -> {
            String key = optionalString(tag, "Key");
            if (key == null || key.isEmpty()) {
                throw EcsException.invalidParameter("Every tag needs a Key: give Tags as [{\"Key\": \"team\", \"Value\": \"a\"}].");
            }
            String value = optionalString(tag, "Value");
            return new Tag(key, value == null ? "" : value);
        }).toList();
    }

    private JsonNode getSecretValue(RequestContext context, JsonNode request)
    {
        SecretService.ReadValue read = secrets.value(context.account().accountId(), optionalString(request, "SecretId"),
                optionalString(request, "VersionId"), optionalString(request, "VersionStage"));
        ObjectNode response = identity(read.secret());
        response.put("VersionId", read.version().versionId());
        if (read.value().isBinary()) {
            response.put("SecretBinary", Base64.getEncoder().encodeToString(read.value().binary()));
        }
        else {
            response.put("SecretString", read.value().string());
        }
        response.set("VersionStages", JsonFields.strings(read.version().stages()));
        putTime(response, "CreatedDate", read.version().createdAt());
        return response;
    }

    private JsonNode putSecretValue(RequestContext context, JsonNode request)
    {
        refuse(request, "RotationToken", "Berth's Secrets Manager does not rotate secrets; leave out RotationToken.");
        SecretService.SecretAndVersion put = secrets.put(context.account().accountId(), optionalString(request, "SecretId"),
                optionalString(request, "ClientRequestToken"), value(request), optionalStrings(request, "VersionStages"));
        ObjectNode response = identity(put.secret());
        response.put("VersionId", put.version().versionId());
        response.set("VersionStages", JsonFields.strings(put.version().stages()));
        return response;
    }

    private JsonNode describeSecret(RequestContext context, JsonNode request)
    {
        SecretService.DescribedSecret described = secrets.describe(context.account().accountId(), optionalString(request, "SecretId"));
        ObjectNode response = describe(described);
        response.set("VersionIdsToStages", response.remove("SecretVersionsToStages"));
        return response;
    }

    private JsonNode listSecrets(RequestContext context, JsonNode request)
    {
        refuse(request, "Filters", "Berth's ListSecrets does not filter; leave out Filters.");
        String sortOrder = optionalString(request, "SortOrder");
        if (sortOrder != null && !sortOrder.equals("asc")) {
            throw EcsException.invalidParameter("Berth's ListSecrets lists by name ascending only; leave out SortOrder or give asc.");
        }
        String sortBy = optionalString(request, "SortBy");
        if (sortBy != null && !sortBy.equals("name")) {
            throw EcsException.invalidParameter("Berth's ListSecrets lists by name only; leave out SortBy or give name.");
        }
        Integer maxResults = optionalInteger(request, "MaxResults");
        if (maxResults != null && (maxResults < 1 || maxResults > MAX_RESULTS)) {
            throw EcsException.invalidParameter("MaxResults must be from 1 to " + MAX_RESULTS + ".");
        }
        int offset = Page.decodeToken(optionalString(request, "NextToken"))
                .orElseThrow(() -> EcsException.invalidParameter("Invalid NextToken: give the NextToken of the previous ListSecrets."));
        Page<SecretService.DescribedSecret> page = secrets.list(context.account().accountId(), Boolean.TRUE.equals(optionalBoolean(request, "IncludePlannedDeletion")),
                offset, maxResults == null ? MAX_RESULTS : maxResults);
        ObjectNode response = JsonFields.object();
        ArrayNode list = response.putArray("SecretList");
        page.items().forEach(described -> list.add(describe(described)));
        putIfNotNull(response, "NextToken", page.nextToken());
        return response;
    }

    private JsonNode deleteSecret(RequestContext context, JsonNode request)
    {
        Secret deleted = secrets.delete(context.account().accountId(), optionalString(request, "SecretId"), optionalInteger(request, "RecoveryWindowInDays"),
                Boolean.TRUE.equals(optionalBoolean(request, "ForceDeleteWithoutRecovery")));
        ObjectNode response = identity(deleted);
        putTime(response, "DeletionDate", deleted.deletionDate());
        return response;
    }

    private static ObjectNode describe(SecretService.DescribedSecret described)
    {
        Secret secret = described.secret();
        ObjectNode node = identity(secret);
        putIfNotNull(node, "Description", secret.description());
        putTime(node, "LastChangedDate", secret.lastChangedAt());
        putTime(node, "DeletedDate", secret.deletedAt());
        if (!secret.tags().isEmpty()) {
            ArrayNode tags = node.putArray("Tags");
            secret.tags().forEach(tag -> tags.addObject().put("Key", tag.key()).put("Value", tag.value()));
        }
        ObjectNode stages = node.putObject("SecretVersionsToStages");
        for (SecretVersion version : described.versions()) {
            if (!version.stages().isEmpty()) {
                stages.set(version.versionId(), JsonFields.strings(version.stages()));
            }
        }
        putTime(node, "CreatedDate", secret.createdAt());
        return node;
    }

    private static ObjectNode identity(Secret secret)
    {
        ObjectNode node = JsonFields.object();
        node.put("ARN", secret.arn());
        node.put("Name", secret.name());
        return node;
    }

    /** SecretString or SecretBinary (base64 on the wire); null when neither is given. */
    private static SecretValue value(JsonNode request)
    {
        String string = optionalString(request, "SecretString");
        String binary = optionalString(request, "SecretBinary");
        if (string != null && binary != null) {
            throw EcsException.invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
        }
        if (binary != null) {
            try {
                return SecretValue.ofBinary(Base64.getDecoder().decode(binary));
            }
            catch (IllegalArgumentException e) {
                throw EcsException.invalidParameter("SecretBinary must be base64.");
            }
        }
        return string == null ? null : SecretValue.ofString(string);
    }

    private static void refuse(JsonNode request, String field, String message)
    {
        JsonNode value = request.get(field);
        if (value != null && !value.isNull() && !(value.isBoolean() && !value.asBoolean()) && !(value.isArray() && value.isEmpty())) {
            throw EcsException.invalidParameter(message);
        }
    }
}
