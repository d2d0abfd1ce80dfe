package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * DELETE /berth/hosts/tokens/{token} -> {"tokenId"}: revokes a join token, named by its id or given whole (`berth host
 * token --revoke`); hosts can no longer join with it. Operator only.
 */
public final class RevokeJoinTokenEndpoint
        implements AdminEndpoint
{
    private final HostAccess access;

    public RevokeJoinTokenEndpoint(HostAccess access)
    {
        this.access = requireNonNull(access, "access is null");
    }

    @Override
    public String method()
    {
        return "DELETE";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/hosts/tokens/{token}";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can revoke join tokens; sign the request with the operator's access key.");
        }
        String token = pathParameters.get("token");
        String tokenId = access.revokeJoinToken(token).orElseThrow(() -> EcsException.invalidParameter(
                "no join token " + token + " to revoke: it is unknown or already revoked (give the token `berth host token` printed, or its id before the first dot)"));
        ObjectNode response = JsonFields.object();
        response.put("tokenId", tokenId);
        return response;
    }
}
