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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A network plan's endpoints, versioned and written once per list: every plan of a network epoch carries the same list
 * (every task address of the cluster, the one part of a sync answer that grows with the fleet), and each answer that
 * carries the network part, and each version of it, would otherwise write that list again (measured with a simulated
 * fleet: writing sync answers was a quarter of the control plane's CPU, docs/benchmarks.md). Kept by the list's identity,
 * the latest list only; the lists are immutable. A new list's version follows from the latest one's and how the two
 * differ ({@link EndpointChanges#versionAfter}), so a task start costs no digest of the whole list; its JSON is written
 * only when a plan goes whole. {@link #install} makes a mapper write a plan's endpoints from here; the bytes are the same
 * as the mapper would write.
 * <p>
 * The last lists are kept by their version too ({@link #changesFrom}): an agent that names the version of the list it
 * holds is then sent how the list changed from it ({@link io.berth.common.agentprotocol.EndpointChanges}), not the list;
 * the hosts woken by one change hold the same list, so the changes from it are worked out once. A list is an array of
 * references to endpoints most lists share, so the few kept cost little.
 */
final class SharedEndpointsJson
{
    /** Lists kept by version: at one list per network epoch, the epochs of the last seconds of task starts and stops. */
    private static final int RECENT_LISTS = 64;

    private final ObjectMapper plain;
    private volatile Versioned last;
    private final Map<String, List<TaskEndpoint>> recent = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<TaskEndpoint>> eldest)
        {
            return size() > RECENT_LISTS;
        }
    };

    /** The changes last worked out, by the versions they go from and to. */
    private final Map<String, EndpointChanges> recentChanges = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EndpointChanges> eldest)
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
                generator.writeRawValue(versioned(endpoints).json(plain));
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

    /** The version of the endpoints (see EndpointChanges#versionOf); the list is kept by it from now on. */
    String version(List<TaskEndpoint> endpoints)
    {
        return versioned(endpoints).version();
    }

    /**
     * How the endpoints changed from the list at heldVersion (an agent's) to now; empty when that list is none of the last
     * written here (the agent then gets the list whole).
     */
    Optional<EndpointChanges> changesFrom(String heldVersion, List<TaskEndpoint> now)
    {
        String nowVersion = version(now);
        String key = heldVersion + " " + nowVersion;
        List<TaskEndpoint> held;
        synchronized (recent) {
            EndpointChanges known = recentChanges.get(key);
            if (known != null) {
                return Optional.of(known);
            }
            held = recent.get(heldVersion);
        }
        if (held == null) {
            return Optional.empty();
        }
        EndpointChanges changes = EndpointChanges.between(heldVersion, held, nowVersion, now);
        synchronized (recent) {
            recentChanges.put(key, changes);
        }
        return Optional.of(changes);
    }

    private Versioned versioned(List<TaskEndpoint> endpoints)
    {
        Versioned before = last;
        if (before != null && before.endpoints() == endpoints) {
            return before;
        }
        String version;
        if (before == null) {
            version = EndpointChanges.versionOf(endpoints);
        }
        else {
            // a merge of two sorted lists, and a hash of each endpoint that differs: no digest of the whole list
            EndpointChanges changes = EndpointChanges.between(before.version(), before.endpoints(), "", endpoints);
            version = EndpointChanges.versionAfter(before.version(), changes.removed(), changes.added());
        }
        Versioned made = new Versioned(endpoints, version);
        synchronized (recent) {
            recent.put(version, endpoints);
        }
        last = made;
        return made;
    }

    /** A list and its version; its JSON written the first time a plan goes whole with it. */
    private static final class Versioned
    {
        private final List<TaskEndpoint> endpoints;
        private final String version;
        private volatile String json;

        Versioned(List<TaskEndpoint> endpoints, String version)
        {
            this.endpoints = endpoints;
            this.version = version;
        }

        List<TaskEndpoint> endpoints()
        {
            return endpoints;
        }

        String version()
        {
            return version;
        }

        String json(ObjectMapper plain)
        {
            String written = json;
            if (written == null) {
                try {
                    written = plain.writeValueAsString(endpoints);
                }
                catch (IOException e) {
                    throw new UncheckedIOException("cannot write a network plan's endpoints", e);
                }
                json = written;
            }
            return written;
        }
    }
}
