package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.TaskEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The JSON of a network plan's endpoints, made once per list: every plan of a network epoch carries the same list (every
 * task address of the cluster, the one part of a sync answer that grows with the fleet), and each answer that carries
 * the network part, and each version of it, would otherwise write that list again (measured with a simulated fleet:
 * writing sync answers was a quarter of the control plane's CPU, docs/benchmarks.md). Kept by the list's identity, the
 * latest list only; the lists are immutable. {@link #install} makes a mapper write a plan's endpoints from here; the
 * bytes are the same as the mapper would write.
 * <p>
 * The last lists written are kept by their version too ({@link #changesFrom}): an agent that names the version of the list
 * it holds is then sent how the list changed from it ({@link io.berth.common.agentprotocol.EndpointChanges}), not the
 * list. A list is an array of references to endpoints most lists share, so the few kept cost little.
 */
final class SharedEndpointsJson
{
    /** Lists kept by version: at one list per network epoch, the epochs of the last seconds of task starts and stops. */
    private static final int RECENT_LISTS = 64;

    private final ObjectMapper plain;
    private volatile Written last;
    private final Map<String, List<TaskEndpoint>> recent = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<TaskEndpoint>> eldest)
        {
            return size() > RECENT_LISTS;
        }
    };

    SharedEndpointsJson(ObjectMapper plain)
    {
        this.plain = requireNonNull(plain, "plain is null");
    }

    /** A copy of mapper that writes every NetworkPlan's endpoints from here. */
    ObjectMapper install(ObjectMapper mapper)
    {
        SimpleModule module = new SimpleModule("shared-endpoints");
        JsonSerializer<Object> serializer = new JsonSerializer<>()
        {
            @Override
            @SuppressWarnings("unchecked")
            public void serialize(Object value, JsonGenerator generator, SerializerProvider provider)
                    throws IOException
            {
                List<TaskEndpoint> endpoints = (List<TaskEndpoint>) value;
                if (endpoints.isEmpty()) {
                    // a plan sent with its endpoints' changes instead: not the list to keep
                    generator.writeRawValue("[]");
                    return;
                }
                generator.writeRawValue(written(endpoints).json());
            }
        };
        module.setSerializerModifier(new BeanSerializerModifier()
        {
            @Override
            public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription description, List<BeanPropertyWriter> properties)
            {
                if (description.getBeanClass() == NetworkPlan.class) {
                    properties.stream().filter(property -> property.getName().equals("endpoints")).forEach(property -> property.assignSerializer(serializer));
                }
                return properties;
            }
        });
        return mapper.copy().registerModule(module);
    }

    /** The SHA-256 digest of the endpoints' JSON. */
    byte[] digest(List<TaskEndpoint> endpoints)
    {
        return written(endpoints).digest();
    }

    /** The version of the endpoints (see EndpointChanges#versionOf); the list is kept by it from now on. */
    String version(List<TaskEndpoint> endpoints)
    {
        return written(endpoints).version();
    }

    /**
     * How the endpoints changed from the list at heldVersion (an agent's) to now; empty when that list is none of the last
     * written here (the agent then gets the list whole).
     */
    Optional<EndpointChanges> changesFrom(String heldVersion, List<TaskEndpoint> now)
    {
        List<TaskEndpoint> held;
        synchronized (recent) {
            held = recent.get(heldVersion);
        }
        return held == null ? Optional.empty() : Optional.of(EndpointChanges.between(heldVersion, held, version(now), now));
    }

    private Written written(List<TaskEndpoint> endpoints)
    {
        Written held = last;
        if (held != null && held.endpoints() == endpoints) {
            return held;
        }
        String json;
        try {
            json = plain.writeValueAsString(endpoints);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write a network plan's endpoints", e);
        }
        byte[] digest = sha256(json.getBytes(StandardCharsets.UTF_8));
        Written written = new Written(endpoints, json, digest, EndpointChanges.versionOfDigest(digest));
        synchronized (recent) {
            recent.put(written.version(), endpoints);
        }
        last = written;
        return written;
    }

    private static byte[] sha256(byte[] bytes)
    {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private record Written(List<TaskEndpoint> endpoints, String json, byte[] digest, String version) {}
}
