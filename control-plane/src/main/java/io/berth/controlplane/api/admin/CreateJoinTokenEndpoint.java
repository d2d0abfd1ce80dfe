package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.access.IssuedJoinToken;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * POST /berth/hosts/tokens {"expiresInSeconds"?}: a join token hosts join with (`berth agent --join URL
 * --token TOKEN`), reusable until it expires (never, without expiresInSeconds). Operator only.
 */
public final class CreateJoinTokenEndpoint
        implements AdminEndpoint
{
    private final HostAccess access;

    public CreateJoinTokenEndpoint(HostAccess access)
    {
        this.access = requireNonNull(access, "access is null");
    }

    @Override
    public String method()
    {
        return "POST";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/hosts/tokens";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can issue join tokens; sign the request with the operator's access key.");
        }
        Optional<Duration> validFor = Optional.empty();
        JsonNode expires = body.path("expiresInSeconds");
        if (!expires.isMissingNode() && !expires.isNull()) {
            if (!expires.canConvertToLong() || expires.asLong() <= 0) {
                throw EcsException.invalidParameter("expiresInSeconds must be a positive number of seconds, got " + expires);
            }
            validFor = Optional.of(Duration.ofSeconds(expires.asLong()));
        }
        IssuedJoinToken token = access.issueJoinToken(validFor);
        ObjectNode response = JsonFields.object();
        response.put("token", token.token());
        JsonFields.putTime(response, "expiresAt", token.expiresAt());
        return response;
    }
}
