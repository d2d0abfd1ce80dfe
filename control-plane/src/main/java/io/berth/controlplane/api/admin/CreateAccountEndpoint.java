package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.AccountService;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * POST /berth/accounts {"name", "isolation"}: a new tenant account and its key; isolation ("container" by default,
 * or "sandbox") is the least tier the account's tasks run at. Only the operator may create accounts.
 */
public final class CreateAccountEndpoint
        implements AdminEndpoint
{
    private final AccountService accounts;

    public CreateAccountEndpoint(AccountService accounts)
    {
        this.accounts = requireNonNull(accounts, "accounts is null");
    }

    @Override
    public String method()
    {
        return "POST";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/accounts";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can create accounts; sign the request with the operator's access key.");
        }
        String name = JsonFields.optionalString(body, "name");
        if (name == null || name.isEmpty()) {
            throw EcsException.clientException("name is required: POST /berth/accounts with {\"name\": \"team-a\"}.");
        }
        IsolationTier isolation = IsolationField.optional(body);
        AccessKey key = accounts.createAccount(name, isolation == null ? IsolationTier.CONTAINER : isolation);
        ObjectNode response = JsonFields.object();
        response.put("accountId", key.account().accountId());
        response.put("name", key.account().name());
        response.put(IsolationField.NAME, accounts.isolation(key.account().accountId()).wireName());
        response.put("accessKeyId", key.accessKeyId());
        response.put("secretAccessKey", key.secretAccessKey());
        return response;
    }
}
