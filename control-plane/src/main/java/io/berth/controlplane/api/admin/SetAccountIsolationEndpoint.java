package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.accounts.AccountNotFoundException;
import io.berth.controlplane.accounts.AccountService;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * PUT /berth/accounts/{accountId}/isolation with {"isolation": "container" | "sandbox"}: the least tier every task
 * the account starts from now on runs at. Answers {"accountId", "isolation"}. Only the operator may set it.
 */
public final class SetAccountIsolationEndpoint
        implements AdminEndpoint
{
    private final AccountService accounts;

    public SetAccountIsolationEndpoint(AccountService accounts)
    {
        this.accounts = requireNonNull(accounts, "accounts is null");
    }

    @Override
    public String method()
    {
        return "PUT";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/accounts/{accountId}/isolation";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can set an account's isolation; sign the request with the operator's access key.");
        }
        IsolationTier requested = IsolationField.optional(body);
        if (requested == null) {
            throw EcsException.invalidParameter("isolation is required: send {\"isolation\": \"sandbox\"} (one of " + IsolationTier.wireNames() + ").");
        }
        String accountId = pathParameters.get("accountId");
        IsolationTier stored;
        try {
            stored = accounts.setIsolation(accountId, requested);
        }
        catch (AccountNotFoundException e) {
            throw EcsException.resourceNotFound(e.getMessage());
        }
        ObjectNode response = JsonFields.object();
        response.put("accountId", accountId);
        response.put(IsolationField.NAME, stored.wireName());
        return response;
    }
}
