package io.berth.controlplane.api.http;

import io.berth.common.sigv4.UriEncoding;

import java.util.LinkedHashMap;
import java.util.Map;

/** Decodes a raw query string into names and values; the first value of a repeated name wins. */
final class QueryParameters
{
    private QueryParameters() {}

    static Map<String, String> parse(String rawQuery)
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = UriEncoding.decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String value = equals < 0 ? "" : UriEncoding.decode(parameter.substring(equals + 1));
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }
}
