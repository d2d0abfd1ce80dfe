package io.berth.controlplane.api.query;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** An XML element with text or child elements, for query protocol answers; writes itself escaped. */
public final class XmlElement
{
    private final String name;
    private final String text;
    private final List<XmlElement> children = new ArrayList<>();

    private XmlElement(String name, String text)
    {
        this.name = requireNonNull(name, "name is null");
        this.text = text;
    }

    public static XmlElement of(String name)
    {
        return new XmlElement(name, null);
    }

    public static XmlElement text(String name, String text)
    {
        return new XmlElement(name, requireNonNull(text, "text is null"));
    }

    /** Adds name with the value when it is not null (query answers leave absent members out). */
    public XmlElement add(String childName, Object value)
    {
        if (value != null) {
            children.add(text(childName, value instanceof Instant instant ? instant.truncatedTo(ChronoUnit.MILLIS).toString() : value.toString()));
        }
        return this;
    }

    public XmlElement add(XmlElement child)
    {
        if (text != null) {
            throw new IllegalStateException(name + " holds text");
        }
        children.add(requireNonNull(child, "child is null"));
        return this;
    }

    /** A list member: {@code <name><member>..</member>...</name>}. */
    public <T> XmlElement addList(String listName, Collection<T> values, Function<T, XmlElement> member)
    {
        XmlElement list = of(listName);
        values.forEach(value -> list.add(member.apply(value)));
        return add(list);
    }

    public XmlElement addStrings(String listName, Collection<String> values)
    {
        return addList(listName, values, value -> text("member", value));
    }

    /** A new element named member, for {@link #addList}. */
    public static XmlElement member()
    {
        return of("member");
    }

    public String write(String namespace)
    {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        write(out, namespace);
        return out.toString();
    }

    private void write(StringBuilder out, String namespace)
    {
        out.append('<').append(name);
        if (namespace != null) {
            out.append(" xmlns=\"").append(escape(namespace)).append('"');
        }
        out.append('>');
        if (text != null) {
            out.append(escape(text));
        }
        for (XmlElement child : children) {
            child.write(out, null);
        }
        out.append("</").append(name).append('>');
    }

    private static String escape(String value)
    {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
