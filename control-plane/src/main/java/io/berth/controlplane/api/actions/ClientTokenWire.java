package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.idempotency.ClientToken;
import io.berth.controlplane.idempotency.IdempotencyConflictException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalString;

/**
 * A request's clientToken with a digest of everything else in it: the same request sent again (a retry) has the same
 * digest whatever the order of its fields, so a token is compared by what was asked, not by how it was written.
 */
final class ClientTokenWire
{
    private ClientTokenWire() {}

    /** The request's client token, checked against ECS's rules; null when it has none. */
    static ClientToken of(JsonNode request, int maxLength)
    {
        String token = optionalString(request, "clientToken");
        if (token == null) {
            return null;
        }
        ClientToken clientToken = new ClientToken(token, digest(request));
        clientToken.check(maxLength);
        return clientToken;
    }

    /** RunTask's ConflictException, with the ARNs of the tasks the token started as resourceIds (ECS's shape). */
    static EcsException conflict(IdempotencyConflictException e)
    {
        return EcsException.conflict(e.getMessage(), e.resourceArns());
    }

    static String digest(JsonNode request)
    {
        ObjectNode rest = request.deepCopy();
        rest.remove("clientToken");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical(rest).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The node with every object's fields in name order (arrays keep theirs: order means something in a list). */
    private static JsonNode canonical(JsonNode node)
    {
        if (node.isObject()) {
            ObjectNode sorted = JsonFields.object();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(name -> sorted.set(name, canonical(node.get(name))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JsonFields.array();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        return node;
    }
}
