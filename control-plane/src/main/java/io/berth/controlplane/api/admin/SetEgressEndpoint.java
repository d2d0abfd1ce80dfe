package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.controlplane.accounts.AccountNotFoundException;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.network.EgressPolicies;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * PUT /berth/accounts/{accountId}/egress with exactly one of {"allow": ["CIDR", ...]}, {"denyAll": true} or
 * {"allowAll": true}: where the account's tasks may send traffic outside the cluster. Answers
 * {"accountId", "egress": the same shape}. Only the operator may set it.
 */
public final class SetEgressEndpoint
        implements AdminEndpoint
{
    private static final String USAGE = "Send exactly one of {\"allow\": [\"CIDR\", ...]}, {\"denyAll\": true} or {\"allowAll\": true}.";

    private final EgressPolicies policies;

    public SetEgressEndpoint(EgressPolicies policies)
    {
        this.policies = requireNonNull(policies, "policies is null");
    }

    @Override
    public String method()
    {
        return "PUT";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/accounts/{accountId}/egress";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can set an account's egress; sign the request with the operator's access key.");
        }
        String accountId = pathParameters.get("accountId");
        EgressPolicy requested = policy(body);
        EgressPolicy stored;
        try {
            stored = policies.set(accountId, requested);
        }
        catch (AccountNotFoundException e) {
            throw EcsException.resourceNotFound(e.getMessage());
        }
        catch (IllegalArgumentException e) {
            throw EcsException.invalidParameter("Invalid egress CIDR: " + e.getMessage() + ". Egress is limited to IPv4 networks, e.g. 192.0.2.0/24.");
        }
        ObjectNode response = JsonFields.object();
        response.put("accountId", accountId);
        response.set("egress", toJson(stored));
        return response;
    }

    /** The policy the body asks for; null for allowAll (no restriction). */
    private static EgressPolicy policy(JsonNode body)
    {
        List<String> allow = JsonFields.optionalStrings(body, "allow");
        boolean denyAll = Boolean.TRUE.equals(JsonFields.optionalBoolean(body, "denyAll"));
        boolean allowAll = Boolean.TRUE.equals(JsonFields.optionalBoolean(body, "allowAll"));
        int chosen = (allow != null ? 1 : 0) + (denyAll ? 1 : 0) + (allowAll ? 1 : 0);
        if (chosen != 1) {
            throw EcsException.invalidParameter(USAGE);
        }
        if (allow != null && allow.isEmpty()) {
            throw EcsException.invalidParameter("'allow' needs at least one CIDR; to block all egress send {\"denyAll\": true}.");
        }
        if (allowAll) {
            return null;
        }
        return denyAll ? EgressPolicy.denyAll() : new EgressPolicy(allow);
    }

    private static ObjectNode toJson(EgressPolicy policy)
    {
        ObjectNode node = JsonFields.object();
        if (policy == null) {
            node.put("allowAll", true);
        }
        else if (policy.deniesAll()) {
            node.put("denyAll", true);
        }
        else {
            node.set("allow", JsonFields.strings(policy.allowedCidrs()));
        }
        return node;
    }
}
