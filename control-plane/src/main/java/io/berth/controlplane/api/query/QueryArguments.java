package io.berth.controlplane.api.query;

import io.berth.controlplane.api.EcsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The parameters of a query protocol request, or of one structure inside it: flat names such as
 * {@code Targets.member.1.Id}. A view of a structure sees the names below its prefix. Bad values are ValidationError,
 * as ELB and STS answer them.
 */
public final class QueryArguments
{
    public static final String VALIDATION_ERROR = "ValidationError";

    private final String path;
    private final Map<String, String> values;

    public QueryArguments(String path, Map<String, String> values)
    {
        this.path = requireNonNull(path, "path is null");
        this.values = Map.copyOf(values);
    }

    /** The distinct first segments of the names: the members given at this level. */
    public Set<String> memberNames()
    {
        Set<String> names = new TreeSet<>();
        values.keySet().forEach(name -> names.add(name.contains(".") ? name.substring(0, name.indexOf('.')) : name));
        return names;
    }

    /** Refuses, by name, every member this level has beyond the allowed ones: none is silently ignored. */
    public QueryArguments requireOnly(Set<String> allowed, String what)
    {
        Set<String> unknown = new TreeSet<>(memberNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw validation("Berth does not support " + String.join(", ", unknown.stream().map(name -> path + name).toList()) + " in " + what
                    + "; it takes " + new TreeSet<>(allowed) + ".");
        }
        return this;
    }

    public String string(String name)
    {
        return values.get(name);
    }

    public String requiredString(String name)
    {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw validation("1 validation error detected: Value null at '" + path + name + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    public Integer integer(String name)
    {
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            throw validation("'" + path + name + "' must be an integer, got '" + value + "'");
        }
    }

    public int requiredInteger(String name)
    {
        requiredString(name);
        return integer(name);
    }

    public Boolean bool(String name)
    {
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw validation("'" + path + name + "' must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** The structure under name (name.X), empty when absent. */
    public QueryArguments structure(String name)
    {
        String prefix = name + ".";
        Map<String, String> inside = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                inside.put(key.substring(prefix.length()), value);
            }
        });
        return new QueryArguments(path + prefix, inside);
    }

    public boolean isEmpty()
    {
        return values.isEmpty();
    }

    public boolean has(String name)
    {
        return values.containsKey(name) || values.keySet().stream().anyMatch(key -> key.startsWith(name + "."));
    }

    /** The members of the list name (name.member.1, name.member.2, ...) as structures, in order. */
    public List<QueryArguments> list(String name)
    {
        QueryArguments list = structure(name);
        list.requireOnly(Set.of("member"), path + name);
        QueryArguments members = list.structure("member");
        List<QueryArguments> result = new ArrayList<>();
        for (int index = 1; index <= members.memberNames().size(); index++) {
            String key = Integer.toString(index);
            if (!members.has(key)) {
                throw validation("'" + path + name + ".member' must be numbered from 1 without gaps");
            }
            Map<String, String> element = new LinkedHashMap<>();
            QueryArguments inside = members.structure(key);
            element.putAll(inside.values);
            if (members.values.containsKey(key)) {
                element.put("", members.values.get(key));
            }
            result.add(new QueryArguments(path + name + ".member." + key + ".", element));
        }
        return result;
    }

    /** The strings of the list name (name.member.N). */
    public List<String> strings(String name)
    {
        return list(name).stream().map(member -> {
            String value = member.values.get("");
            if (value == null || member.values.size() != 1) {
                throw validation("'" + member.path + "' must be a string");
            }
            return value;
        }).toList();
    }

    public static EcsException validation(String message)
    {
        return new EcsException(VALIDATION_ERROR, message);
    }
}
