package io.berth.controlplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.common.json.Json;

/** Domain records to and from the JSON text of body columns. */
public final class JsonBodies
{
    private JsonBodies() {}

    public static String write(Object value)
    {
        try {
            return Json.mapper().writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new StoreException("Cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static <T> T read(String body, Class<T> type)
    {
        try {
            return Json.mapper().readValue(body, type);
        }
        catch (JsonProcessingException e) {
            throw new StoreException("Cannot decode stored " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
