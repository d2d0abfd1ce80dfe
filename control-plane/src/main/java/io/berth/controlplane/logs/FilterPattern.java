package io.berth.controlplane.logs;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The term filter patterns of CloudWatch Logs, matched case-sensitively anywhere in a message: plain terms and
 * "quoted phrases" that must all appear, -terms that must not, and ?terms of which at least one must appear. An
 * empty pattern matches every event. JSON ({ ... }), space-delimited ([ ... ]) and regular-expression (% ... %)
 * patterns are refused by name, as are ?terms mixed with other terms, rather than matched some other way.
 */
public final class FilterPattern
{
    public static final FilterPattern ALL = new FilterPattern(List.of(), List.of(), List.of());

    private final List<String> required;
    private final List<String> excluded;
    private final List<String> anyOf;

    private FilterPattern(List<String> required, List<String> excluded, List<String> anyOf)
    {
        this.required = List.copyOf(required);
        this.excluded = List.copyOf(excluded);
        this.anyOf = List.copyOf(anyOf);
    }

    public static FilterPattern parse(String pattern)
    {
        if (pattern == null || pattern.isBlank()) {
            return ALL;
        }
        String trimmed = pattern.strip();
        if (trimmed.startsWith("{")) {
            throw LogsException.invalid("Berth does not support JSON filter patterns ({ ... }); use terms and \"quoted phrases\".");
        }
        if (trimmed.startsWith("[")) {
            throw LogsException.invalid("Berth does not support space-delimited filter patterns ([ ... ]); use terms and \"quoted phrases\".");
        }
        if (trimmed.startsWith("%")) {
            throw LogsException.invalid("Berth does not support regular-expression filter patterns (% ... %); use terms and \"quoted phrases\".");
        }
        List<String> required = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<String> anyOf = new ArrayList<>();
        int position = 0;
        while (position < trimmed.length()) {
            char first = trimmed.charAt(position);
            if (Character.isWhitespace(first)) {
                position++;
                continue;
            }
            List<String> target = required;
            if (first == '-' || first == '?') {
                target = first == '-' ? excluded : anyOf;
                position++;
                if (position == trimmed.length() || Character.isWhitespace(trimmed.charAt(position))) {
                    throw LogsException.invalid("Invalid filter pattern: '" + first + "' must be followed by a term, in " + pattern);
                }
            }
            StringBuilder term = new StringBuilder();
            if (trimmed.charAt(position) == '"') {
                position++;
                boolean closed = false;
                while (position < trimmed.length()) {
                    char c = trimmed.charAt(position++);
                    if (c == '\\' && position < trimmed.length()) {
                        term.append(trimmed.charAt(position++));
                    }
                    else if (c == '"') {
                        closed = true;
                        break;
                    }
                    else {
                        term.append(c);
                    }
                }
                if (!closed) {
                    throw LogsException.invalid("Invalid filter pattern: a quoted phrase is not closed in " + pattern);
                }
            }
            else {
                while (position < trimmed.length() && !Character.isWhitespace(trimmed.charAt(position))) {
                    term.append(trimmed.charAt(position++));
                }
            }
            if (!term.isEmpty()) {
                target.add(term.toString());
            }
        }
        if (!anyOf.isEmpty() && (!required.isEmpty() || !excluded.isEmpty())) {
            throw LogsException.invalid("Berth does not support ?terms mixed with other terms in one filter pattern: use only ?terms (any of them) "
                    + "or only terms and -terms (all of them).");
        }
        return new FilterPattern(required, excluded, anyOf);
    }

    public boolean matches(String message)
    {
        requireNonNull(message, "message is null");
        for (String term : required) {
            if (!message.contains(term)) {
                return false;
            }
        }
        for (String term : excluded) {
            if (message.contains(term)) {
                return false;
            }
        }
        return anyOf.isEmpty() || anyOf.stream().anyMatch(message::contains);
    }

    @Override
    public String toString()
    {
        return "FilterPattern{required=" + required + ", excluded=" + excluded + ", anyOf=" + anyOf + "}";
    }
}
