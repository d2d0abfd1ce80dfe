package io.berth.agent.images;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A parsed {@code WWW-Authenticate} header: {@code Bearer realm="...",service="...",scope="..."} or {@code Basic realm="..."}. */
public record AuthChallenge(String scheme, Map<String, String> parameters)
{
    public AuthChallenge
    {
        requireNonNull(scheme, "scheme is null");
        parameters = Map.copyOf(parameters);
    }

    public static Optional<AuthChallenge> parse(String header)
    {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        int position = space < 0 ? text.length() : space + 1;
        while (position < text.length()) {
            while (position < text.length() && (text.charAt(position) == ',' || text.charAt(position) == ' ')) {
                position++;
            }
            int equals = text.indexOf('=', position);
            if (equals < 0) {
                break;
            }
            String name = text.substring(position, equals).strip().toLowerCase(Locale.ROOT);
            position = equals + 1;
            StringBuilder value = new StringBuilder();
            if (position < text.length() && text.charAt(position) == '"') {
                position++;
                while (position < text.length() && text.charAt(position) != '"') {
                    if (text.charAt(position) == '\\' && position + 1 < text.length()) {
                        position++;
                    }
                    value.append(text.charAt(position++));
                }
                position++;
            }
            else {
                while (position < text.length() && text.charAt(position) != ',') {
                    value.append(text.charAt(position++));
                }
            }
            parameters.put(name, value.toString().strip());
        }
        return Optional.of(new AuthChallenge(scheme, parameters));
    }

    public boolean isBearer()
    {
        return scheme.equals("bearer");
    }

    public boolean isBasic()
    {
        return scheme.equals("basic");
    }

    public Optional<String> parameter(String name)
    {
        return Optional.ofNullable(parameters.get(name));
    }
}
