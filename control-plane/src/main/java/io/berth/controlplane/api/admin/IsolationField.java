package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.api.EcsException;

/** The "isolation" field of the account endpoints: a tier's wire name, anything else an InvalidParameterException. */
final class IsolationField
{
    static final String NAME = "isolation";

    private IsolationField() {}

    /** The tier the body names, or null when the field is absent. */
    static IsolationTier optional(JsonNode body)
    {
        JsonNode value = body == null ? null : body.get(NAME);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(value.toString());
        }
        return IsolationTier.fromWireName(value.asText()).orElseThrow(() -> invalid("'" + value.asText() + "'"));
    }

    private static EcsException invalid(String given)
    {
        return EcsException.invalidParameter("isolation must be one of " + IsolationTier.wireNames() + ", got " + given + ".");
    }
}
