package io.berth.controlplane.api.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.registry.ImageDeletion;
import io.berth.controlplane.registry.ImageId;
import io.berth.controlplane.registry.LoginToken;
import io.berth.controlplane.registry.RegistryImage;
import io.berth.controlplane.registry.RegistryTokens;
import io.berth.controlplane.registry.Repository;
import io.berth.controlplane.registry.RepositoryException;
import io.berth.controlplane.registry.RepositoryService;
import io.berth.controlplane.resources.Page;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObject;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/**
 * CreateRepository, DescribeRepositories, DeleteRepository, ListImages, DescribeImages, BatchDeleteImage and
 * GetAuthorizationToken, each for the calling account only. A registryId other than the caller's own finds
 * nothing (RepositoryNotFoundException), so no call tells anything of another account.
 */
public final class EcrActions
{
    private static final int MAX_RESULTS = 1000;
    private static final int DEFAULT_MAX_RESULTS = 100;

    private final RepositoryService repositories;
    private final RegistryTokens tokens;
    private final String registryAddress;
    private final String registryScheme;

    public EcrActions(RepositoryService repositories, RegistryTokens tokens, String registryAddress)
    {
        this(repositories, tokens, registryAddress, "http");
    }

    /** registryScheme: http, or https when the registry serves TLS (the proxyEndpoint of GetAuthorizationToken says which). */
    public EcrActions(RepositoryService repositories, RegistryTokens tokens, String registryAddress, String registryScheme)
    {
        this.repositories = requireNonNull(repositories, "repositories is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.registryAddress = requireNonNull(registryAddress, "registryAddress is null");
        this.registryScheme = requireNonNull(registryScheme, "registryScheme is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                EcrAction.of("CreateRepository", Set.of("registryId", "repositoryName", "tags", "imageTagMutability", "imageScanningConfiguration", "encryptionConfiguration"),
                        this::createRepository),
                EcrAction.of("DescribeRepositories", Set.of("registryId", "repositoryNames", "nextToken", "maxResults"), this::describeRepositories),
                EcrAction.of("DeleteRepository", Set.of("registryId", "repositoryName", "force"), this::deleteRepository),
                EcrAction.of("ListImages", Set.of("registryId", "repositoryName", "nextToken", "maxResults", "filter"), this::listImages),
                EcrAction.of("DescribeImages", Set.of("registryId", "repositoryName", "imageIds", "nextToken", "maxResults", "filter"), this::describeImages),
                EcrAction.of("BatchDeleteImage", Set.of("registryId", "repositoryName", "imageIds"), this::batchDeleteImage),
                EcrAction.of("GetAuthorizationToken", Set.of("registryIds"), this::getAuthorizationToken));
    }

    private JsonNode createRepository(RequestContext context, JsonNode request)
    {
        String registryId = optionalString(request, "registryId");
        if (registryId != null && !registryId.equals(context.account().accountId())) {
            throw EcsException.invalidParameter("registryId must be your own account id (" + context.account().accountId() + "), or left out.");
        }
        List<JsonNode> tags = optionalObjects(request, "tags");
        if (!tags.isEmpty()) {
            throw EcsException.invalidParameter("Berth's ECR does not support tags on repositories; leave out 'tags'.");
        }
        String mutability = optionalString(request, "imageTagMutability");
        if (mutability != null && !mutability.equals("MUTABLE")) {
            throw EcsException.invalidParameter("Berth's registry keeps tags MUTABLE only; imageTagMutability " + mutability + " is not supported.");
        }
        JsonNode scanning = optionalObject(request, "imageScanningConfiguration");
        if (scanning != null && Boolean.TRUE.equals(optionalBoolean(scanning, "scanOnPush"))) {
            throw EcsException.invalidParameter("Berth's registry does not scan images; imageScanningConfiguration.scanOnPush must be false.");
        }
        JsonNode encryption = optionalObject(request, "encryptionConfiguration");
        if (encryption != null && !"AES256".equals(optionalString(encryption, "encryptionType"))) {
            throw EcsException.invalidParameter("Berth's registry supports encryptionConfiguration.encryptionType AES256 only (no KMS).");
        }
        Repository repository = repositories.create(context.account().accountId(), optionalString(request, "repositoryName"));
        ObjectNode response = JsonFields.object();
        response.set("repository", repositoryJson(context, repository));
        return response;
    }

    private JsonNode describeRepositories(RequestContext context, JsonNode request)
    {
        List<String> names = optionalStrings(request, "repositoryNames");
        String accountId = ownRegistry(context, request, names == null || names.isEmpty() ? "" : names.get(0));
        ObjectNode response = JsonFields.object();
        ArrayNode found = response.putArray("repositories");
        if (names != null && !names.isEmpty()) {
            if (request.hasNonNull("maxResults") || request.hasNonNull("nextToken")) {
                throw EcsException.invalidParameter("maxResults and nextToken cannot be used with repositoryNames.");
            }
            repositories.describe(accountId, names).forEach(repository -> found.add(repositoryJson(context, repository)));
            return response;
        }
        int[] window = window(request);
        Page<Repository> page = repositories.list(accountId, window[0], window[1]);
        page.items().forEach(repository -> found.add(repositoryJson(context, repository)));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode deleteRepository(RequestContext context, JsonNode request)
    {
        String name = optionalString(request, "repositoryName");
        String accountId = ownRegistry(context, request, name);
        Repository deleted = repositories.delete(accountId, name, Boolean.TRUE.equals(optionalBoolean(request, "force")));
        ObjectNode response = JsonFields.object();
        response.set("repository", repositoryJson(context, deleted));
        return response;
    }

    private JsonNode listImages(RequestContext context, JsonNode request)
    {
        String name = optionalString(request, "repositoryName");
        List<RegistryImage> images = filtered(request, repositories.images(ownRegistry(context, request, name), name));
        List<ObjectNode> imageIds = new ArrayList<>();
        for (RegistryImage image : images) {
            for (String tag : image.tags()) {
                ObjectNode imageId = JsonFields.object();
                imageId.put("imageDigest", image.digest());
                imageId.put("imageTag", tag);
                imageIds.add(imageId);
            }
        }
        ObjectNode response = JsonFields.object();
        Page<ObjectNode> page = page(request, imageIds);
        response.putArray("imageIds").addAll(page.items());
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode describeImages(RequestContext context, JsonNode request)
    {
        String name = optionalString(request, "repositoryName");
        String accountId = ownRegistry(context, request, name);
        List<RegistryImage> images = repositories.images(accountId, name);
        List<JsonNode> wanted = optionalObjects(request, "imageIds");
        List<RegistryImage> selected = new ArrayList<>();
        if (!wanted.isEmpty()) {
            if (request.hasNonNull("maxResults") || request.hasNonNull("nextToken") || request.hasNonNull("filter")) {
                throw EcsException.invalidParameter("maxResults, nextToken and filter cannot be used with imageIds.");
            }
            for (JsonNode node : wanted) {
                ImageId imageId = imageId(node);
                RegistryImage image = images.stream()
                        .filter(candidate -> (imageId.digest() == null || candidate.digest().equals(imageId.digest()))
                                && (imageId.tag() == null || candidate.tags().contains(imageId.tag())))
                        .findFirst()
                        .orElseThrow(() -> new RepositoryException(RepositoryException.Kind.IMAGE_NOT_FOUND,
                                "The image with imageId %s does not exist within the repository with name '%s' in the registry with id '%s'".formatted(imageId, name, accountId)));
                if (!selected.contains(image)) {
                    selected.add(image);
                }
            }
        }
        else {
            selected = filtered(request, images);
        }
        ObjectNode response = JsonFields.object();
        Page<RegistryImage> page = wanted.isEmpty() ? page(request, selected) : new Page<>(selected, null);
        ArrayNode details = response.putArray("imageDetails");
        for (RegistryImage image : page.items()) {
            ObjectNode detail = details.addObject();
            detail.put("registryId", accountId);
            detail.put("repositoryName", name);
            detail.put("imageDigest", image.digest());
            detail.set("imageTags", JsonFields.strings(image.tags()));
            detail.put("imageSizeInBytes", image.sizeBytes());
            detail.put("imageManifestMediaType", image.manifestMediaType());
            JsonFields.putIfNotNull(detail, "artifactMediaType", image.artifactMediaType());
        }
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode batchDeleteImage(RequestContext context, JsonNode request)
    {
        String name = optionalString(request, "repositoryName");
        String accountId = ownRegistry(context, request, name);
        List<JsonNode> nodes = optionalObjects(request, "imageIds");
        if (nodes.isEmpty() || nodes.size() > 100) {
            throw EcsException.invalidParameter("imageIds must name 1 to 100 images.");
        }
        ImageDeletion deletion = repositories.deleteImages(accountId, name, nodes.stream().map(EcrActions::imageId).toList());
        ObjectNode response = JsonFields.object();
        ArrayNode deleted = response.putArray("imageIds");
        deletion.deleted().forEach(imageId -> deleted.add(imageIdJson(imageId)));
        ArrayNode failures = response.putArray("failures");
        for (ImageDeletion.Failure failure : deletion.failures()) {
            ObjectNode node = failures.addObject();
            node.set("imageId", imageIdJson(failure.imageId()));
            node.put("failureCode", failure.code());
            node.put("failureReason", failure.reason());
        }
        return response;
    }

    private JsonNode getAuthorizationToken(RequestContext context, JsonNode request)
    {
        List<String> registryIds = optionalStrings(request, "registryIds");
        if (registryIds != null && registryIds.stream().anyMatch(id -> !id.equals(context.account().accountId()))) {
            throw EcsException.invalidParameter("registryIds may name only your own account (" + context.account().accountId() + "): an account logs in to its own registry.");
        }
        LoginToken login = tokens.login(context.account().accountId(), RegistryTokens.LOGIN_LIFETIME);
        ObjectNode response = JsonFields.object();
        ObjectNode data = response.putArray("authorizationData").addObject();
        data.put("authorizationToken", Base64.getEncoder().encodeToString((LoginToken.USERNAME + ":" + login.password()).getBytes(StandardCharsets.UTF_8)));
        JsonFields.putTime(data, "expiresAt", login.expiresAt());
        data.put("proxyEndpoint", registryScheme + "://" + registryAddress);
        return response;
    }

    /** The caller's account, or (for another registryId) a not-found that says nothing of that account's repositories. */
    private static String ownRegistry(RequestContext context, JsonNode request, String repositoryName)
    {
        String registryId = optionalString(request, "registryId");
        String own = context.account().accountId();
        if (registryId != null && !registryId.equals(own)) {
            throw new RepositoryException(RepositoryException.Kind.REPOSITORY_NOT_FOUND,
                    "The repository with name '%s' does not exist in the registry with id '%s'".formatted(repositoryName == null ? "" : repositoryName, registryId));
        }
        return own;
    }

    private static List<RegistryImage> filtered(JsonNode request, List<RegistryImage> images)
    {
        JsonNode filter = optionalObject(request, "filter");
        String tagStatus = filter == null ? null : optionalString(filter, "tagStatus");
        if (tagStatus == null || tagStatus.equals("ANY") || tagStatus.equals("TAGGED")) {
            return images;
        }
        if (tagStatus.equals("UNTAGGED")) {
            // the registry's API lists images by their tags: an untagged manifest is never listed
            return List.of();
        }
        throw EcsException.invalidParameter("filter.tagStatus must be TAGGED, UNTAGGED or ANY, got " + tagStatus + ".");
    }

    private static <T> Page<T> page(JsonNode request, List<T> items)
    {
        int[] window = window(request);
        int from = Math.min(window[0], items.size());
        return Page.of(items.subList(from, Math.min(items.size(), from + window[1] + 1)), window[0], window[1]);
    }

    /** offset and maxResults of a paged call. */
    private static int[] window(JsonNode request)
    {
        Integer maxResults = optionalInteger(request, "maxResults");
        int limit = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        if (limit < 1 || limit > MAX_RESULTS) {
            throw EcsException.invalidParameter("maxResults must be between 1 and " + MAX_RESULTS + ", got " + limit + ".");
        }
        int offset = Page.decodeToken(optionalString(request, "nextToken"))
                .orElseThrow(() -> EcsException.invalidParameter("Invalid nextToken: pass the nextToken of the previous response unchanged."));
        return new int[] {offset, limit};
    }

    private static ImageId imageId(JsonNode node)
    {
        return new ImageId(optionalString(node, "imageDigest"), optionalString(node, "imageTag"));
    }

    private static ObjectNode imageIdJson(ImageId imageId)
    {
        ObjectNode node = JsonFields.object();
        JsonFields.putIfNotNull(node, "imageDigest", imageId.digest());
        JsonFields.putIfNotNull(node, "imageTag", imageId.tag());
        return node;
    }

    private ObjectNode repositoryJson(RequestContext context, Repository repository)
    {
        ObjectNode node = JsonFields.object();
        node.put("repositoryArn", repository.arn(context.region()));
        node.put("registryId", repository.accountId());
        node.put("repositoryName", repository.name());
        node.put("repositoryUri", registryAddress + "/" + repository.path());
        JsonFields.putTime(node, "createdAt", repository.createdAt());
        node.put("imageTagMutability", "MUTABLE");
        node.putObject("imageScanningConfiguration").put("scanOnPush", false);
        node.putObject("encryptionConfiguration").put("encryptionType", "AES256");
        return node;
    }
}
