package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.controlplane.api.EcsException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading request fields with type checks, and writing response fields, in the ways every action needs. A field of
 * the wrong JSON type is a SerializationException naming it, as the AWS services answer a body that does not fit the
 * model; a value of the right type that ECS refuses is an InvalidParameterException or ClientException.
 */
public final class JsonFields
{
    private JsonFields() {}

    public static String optionalString(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw EcsException.serialization("'" + field + "' must be a string.");
        }
        return value.asText();
    }

    public static Integer optionalInteger(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw EcsException.serialization("'" + field + "' must be an integer.");
        }
        return value.asInt();
    }

    public static Boolean optionalBoolean(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw EcsException.serialization("'" + field + "' must be true or false.");
        }
        return value.asBoolean();
    }

    /** The include field of DescribeTaskDefinition and DescribeTasks, where only "TAGS" exists: whether it asks for tags. */
    public static boolean includesTags(JsonNode request)
    {
        List<String> include = optionalStrings(request, "include");
        if (include == null) {
            return false;
        }
        for (String value : include) {
            if (!"TAGS".equals(value)) {
                throw EcsException.invalidParameter("include may only hold TAGS, got '" + value + "'.");
            }
        }
        return !include.isEmpty();
    }

    /** Null when absent; a list of strings otherwise. */
    public static List<String> optionalStrings(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw EcsException.serialization("'" + field + "' must be a list of strings.");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw EcsException.serialization("'" + field + "' must be a list of strings.");
            }
            strings.add(element.asText());
        }
        return strings;
    }

    public static List<JsonNode> optionalObjects(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw EcsException.serialization("'" + field + "' must be a list of objects.");
        }
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isObject()) {
                throw EcsException.serialization("'" + field + "' must be a list of objects.");
            }
            objects.add(element);
        }
        return objects;
    }

    public static JsonNode optionalObject(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw EcsException.serialization("'" + field + "' must be an object.");
        }
        return value;
    }

    /**
     * Refuses (ClientException naming it) a field of the object that Berth does not honour: any not in known that
     * is given a value. null, false and an empty list or object say nothing and pass, as ECS's defaults.
     */
    public static void refuseUnsupported(JsonNode node, Set<String> known, String where)
    {
        node.properties().forEach(entry -> {
            JsonNode value = entry.getValue();
            boolean saysNothing = value.isNull() || (value.isBoolean() && !value.asBoolean()) || (value.isContainerNode() && value.isEmpty());
            if (!known.contains(entry.getKey()) && !saysNothing) {
                throw EcsException.clientException(where + " field '" + entry.getKey() + "' is not supported by Berth yet; leave it out.");
            }
        });
    }

    /** The fields of an object other than the known ones, as plain values, nulls left out: kept to echo them. */
    public static Map<String, Object> otherFields(JsonNode node, Set<String> known)
    {
        Map<String, Object> other = new LinkedHashMap<>();
        node.properties().forEach(entry -> {
            if (!known.contains(entry.getKey()) && !entry.getValue().isNull()) {
                other.put(entry.getKey(), plainValue(entry.getValue()));
            }
        });
        return other;
    }

    /** A JSON value as a plain one (Map, List, String, Integer, ...), null for null or absent: for domain checks that name the field. */
    public static Object plainValue(JsonNode value)
    {
        if (value == null || value.isNull()) {
            return null;
        }
        return Json.mapper().convertValue(value, new TypeReference<Object>() {});
    }

    public static Map<String, Object> asMap(JsonNode node)
    {
        if (node == null) {
            return Map.of();
        }
        return otherFields(node, Set.of());
    }

    public static ObjectNode object()
    {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array()
    {
        return JsonNodeFactory.instance.arrayNode();
    }

    public static ArrayNode strings(Collection<String> values)
    {
        ArrayNode array = array();
        values.forEach(array::add);
        return array;
    }

    public static void putIfNotNull(ObjectNode node, String field, String value)
    {
        if (value != null) {
            node.put(field, value);
        }
    }

    public static void putIfNotNull(ObjectNode node, String field, Integer value)
    {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** ECS timestamps: epoch seconds, with milliseconds as the fraction. */
    public static void putTime(ObjectNode node, String field, Instant value)
    {
        if (value != null) {
            node.set(field, DecimalNode.valueOf(BigDecimal.valueOf(value.toEpochMilli(), 3)));
        }
    }

    public static void putOther(ObjectNode node, Map<String, Object> otherFields)
    {
        otherFields.forEach((name, value) -> {
            if (!node.has(name)) {
                node.set(name, Json.mapper().valueToTree(value));
            }
        });
    }

    public static ArrayNode missingFailures(List<String> arns)
    {
        ArrayNode failures = array();
        arns.forEach(arn -> failures.addObject().put("arn", arn).put("reason", "MISSING"));
        return failures;
    }
}
