package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;

import java.util.Map;

/** A tenant account made through the operator's admin endpoint, as `berth account create` does. */
record AccountKeys(String accountId, String accessKeyId, String secretAccessKey)
{
    static AccountKeys create(BerthEnvironment environment, String name)
    {
        return create(environment, name, "container");
    }

    /** An account whose tasks run at least at the isolation tier ("container" or "sandbox"). */
    static AccountKeys create(BerthEnvironment environment, String name, String isolation)
    {
        try (BerthClient client = SignedClients.operator(environment)) {
            JsonNode created = client.admin("POST", "/berth/accounts", Map.of(), Json.mapper().createObjectNode().put("name", name).put("isolation", isolation));
            return new AccountKeys(created.path("accountId").asText(), created.path("accessKeyId").asText(), created.path("secretAccessKey").asText());
        }
    }
}
