package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.accounts.AccountNotFoundException;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.quotas.AccountLimits;
import io.berth.controlplane.quotas.AccountLimitsService;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * PUT /berth/accounts/{accountId}/limits with any of {"maxVcpu": N, "maxTasks": N, "maxWaiting": N, "rate": RPS}
 * (0 lifts that quota for the account; fields left out keep their value). Answers the quotas now in force:
 * {"accountId", "maxVcpu", "maxTasks", "maxWaiting", "rate", "defaults": [the fields that come from the server's
 * defaults]}. Only the operator may set them.
 */
public final class SetAccountLimitsEndpoint
        implements AdminEndpoint
{
    private static final Set<String> FIELDS = Set.of("maxVcpu", "maxTasks", "maxWaiting", "rate");

    private final AccountLimitsService limits;

    public SetAccountLimitsEndpoint(AccountLimitsService limits)
    {
        this.limits = requireNonNull(limits, "limits is null");
    }

    @Override
    public String method()
    {
        return "PUT";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/accounts/{accountId}/limits";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can set an account's quotas; sign the request with the operator's access key.");
        }
        String accountId = pathParameters.get("accountId");
        AccountLimits changes = changes(body);
        AccountLimits configured;
        try {
            configured = limits.set(accountId, changes);
        }
        catch (AccountNotFoundException e) {
            throw EcsException.resourceNotFound(e.getMessage());
        }
        return toJson(accountId, configured, limits.defaults());
    }

    private static AccountLimits changes(JsonNode body)
    {
        if (!body.isObject()) {
            throw EcsException.invalidParameter("Send a JSON object with any of maxVcpu, maxTasks, maxWaiting, rate.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw EcsException.invalidParameter("Unknown field '" + name + "': the quotas are maxVcpu, maxTasks, maxWaiting and rate.");
            }
        }
        if (body.isEmpty()) {
            throw EcsException.invalidParameter("Set at least one of maxVcpu, maxTasks, maxWaiting, rate (0 for unlimited).");
        }
        Double maxVcpu = number(body, "maxVcpu", "a number of vCPU");
        Long maxTasks = count(body, "maxTasks");
        Long maxWaiting = count(body, "maxWaiting");
        Double rate = number(body, "rate", "a number of requests per second");
        return new AccountLimits(maxVcpu == null ? null : AccountLimits.cpuUnits(maxVcpu), maxTasks, maxWaiting, rate);
    }

    private static Double number(JsonNode body, String field, String what)
    {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || Double.isInfinite(value.asDouble())) {
            throw EcsException.invalidParameter(field + " must be " + what + " >= 0 (0 for unlimited), got " + value + ".");
        }
        return value.asDouble();
    }

    private static Long count(JsonNode body, String field)
    {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw EcsException.invalidParameter(field + " must be a whole number >= 0 (0 for unlimited), got " + value + ".");
        }
        return value.asLong();
    }

    static ObjectNode toJson(String accountId, AccountLimits configured, AccountLimits defaults)
    {
        AccountLimits effective = configured.orElse(defaults);
        ObjectNode node = JsonFields.object();
        node.put("accountId", accountId);
        node.put("maxVcpu", Double.parseDouble(AccountLimits.vcpu(effective.maxCpuUnits())));
        node.put("maxTasks", effective.maxTasks());
        node.put("maxWaiting", effective.maxWaiting());
        node.put("rate", effective.requestsPerSecond());
        var fromDefaults = node.putArray("defaults");
        if (configured.maxCpuUnits() == null) {
            fromDefaults.add("maxVcpu");
        }
        if (configured.maxTasks() == null) {
            fromDefaults.add("maxTasks");
        }
        if (configured.maxWaiting() == null) {
            fromDefaults.add("maxWaiting");
        }
        if (configured.requestsPerSecond() == null) {
            fromDefaults.add("rate");
        }
        return node;
    }
}
