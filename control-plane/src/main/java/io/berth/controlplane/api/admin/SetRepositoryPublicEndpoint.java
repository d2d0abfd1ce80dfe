package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.registry.Repository;
import io.berth.controlplane.registry.RepositoryException;
import io.berth.controlplane.registry.RepositoryService;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * PUT /berth/repositories/public with {"repository": "ACCOUNT_ID/NAME", "public": true|false}: opens an account's
 * repository to every account for pulls (pushes stay its owner's), or closes it again. Only the operator may.
 * A repository URI (HOST:PORT/ACCOUNT_ID/NAME) is accepted as well.
 */
public final class SetRepositoryPublicEndpoint
        implements AdminEndpoint
{
    private final RepositoryService repositories;

    public SetRepositoryPublicEndpoint(RepositoryService repositories)
    {
        this.repositories = requireNonNull(repositories, "repositories is null");
    }

    @Override
    public String method()
    {
        return "PUT";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/repositories/public";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can make a repository public or private; sign the request with the operator's access key.");
        }
        String path = JsonFields.optionalString(body, "repository");
        Boolean publicRead = JsonFields.optionalBoolean(body, "public");
        if (path == null || publicRead == null) {
            throw EcsException.invalidParameter("Send {\"repository\": \"ACCOUNT_ID/NAME\", \"public\": true|false}.");
        }
        // a repository URI names the registry first: HOST:PORT/ACCOUNT_ID/NAME
        if (path.indexOf('/') > 0 && path.substring(0, path.indexOf('/')).contains(":")) {
            path = path.substring(path.indexOf('/') + 1);
        }
        int slash = path.indexOf('/');
        if (slash <= 0) {
            throw EcsException.invalidParameter("'repository' is ACCOUNT_ID/NAME (the path of its repositoryUri), got '" + path + "'.");
        }
        Repository repository;
        try {
            repository = repositories.setPublic(path.substring(0, slash), path.substring(slash + 1), publicRead);
        }
        catch (RepositoryException e) {
            throw new EcsException("RepositoryNotFoundException", e.getMessage());
        }
        catch (InvalidRequestException e) {
            throw EcsException.invalidParameter(e.getMessage());
        }
        ObjectNode response = JsonFields.object();
        response.put("repository", repository.path());
        response.put("public", repository.publicRead());
        return response;
    }
}
