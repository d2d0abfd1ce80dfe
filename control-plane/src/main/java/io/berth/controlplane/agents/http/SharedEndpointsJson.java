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
import java.util.ArrayList;
import java.util.HashMap;
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
 * How each list came from the one versioned before it is logged too, in the order they were versioned
 * ({@link #changesFrom}): an agent that names the version of the list it holds is then sent how the list changed from
 * it ({@link io.berth.common.agentprotocol.EndpointChanges}), the steps in between summed, not the list; the hosts woken
 * by one change hold the same list, so the changes from it are worked out once. A step holds the endpoints that came and
 * went, one or two at a task's start or stop, so thousands of them (a minute or more of a busy fleet's starts and
 * stops) cost less than one list of a fleet of fifty thousand tasks. The last 64 lists were kept before, which a fleet
 * starting 70 tasks a second went through in a second, and a host that held an older list got the whole list (5,000
 * endpoints, 275 KB, in the scale benchmark).
 */
final class SharedEndpointsJson
{
    /** Steps kept: at one list per network epoch, a minute or more of a busy fleet's task starts and stops. */
    static final int KEPT_STEPS = 4096;
    /** Changes worked out and kept, by the versions they go from and to: those of the hosts one change woke. */
    private static final int KEPT_CHANGES = 64;

    private final ObjectMapper plain;
    private volatile Versioned last;
    /** The last steps, a ring: step i is at i % KEPT_STEPS; the list at its version is the one before it with its changes. */
    private final Step[] log = new Step[KEPT_STEPS];
    /** Steps logged ever; the last KEPT_STEPS of them are in the log. */
    private long logged;
    /** The index of the last step that made each version in the log. */
    private final Map<String, Long> lastLogged = new HashMap<>();

    /** The changes last worked out, by the versions they go from and to. */
    private final Map<String, EndpointChanges> recentChanges = new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EndpointChanges> eldest)
        {
            return size() > KEPT_CHANGES;
        }
    };

    /** The list at version made from the list of the step before: removed went, added came. */
    private record Step(String version, List<TaskEndpoint> removed, List<TaskEndpoint> added) {}

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
     * How the endpoints changed from the list at heldVersion (an agent's) to now: the steps between the two summed, an
     * endpoint that came and went in between in neither; empty when that list is not among the last {@value #KEPT_STEPS}
     * steps (the agent then gets the list whole).
     */
    Optional<EndpointChanges> changesFrom(String heldVersion, List<TaskEndpoint> now)
    {
        String nowVersion = version(now);
        String key = heldVersion + " " + nowVersion;
        Map<TaskEndpoint, Integer> net = new HashMap<>();
        synchronized (log) {
            EndpointChanges known = recentChanges.get(key);
            if (known != null) {
                return Optional.of(known);
            }
            Long held = lastLogged.get(heldVersion);
            Long at = lastLogged.get(nowVersion);
            if (held == null || at == null) {
                return Optional.empty();
            }
            // forwards the steps add what came; backwards (an agent ahead of the list asked for) they take it away
            int sign = held < at ? 1 : -1;
            for (long i = Math.min(held, at) + 1; i <= Math.max(held, at); i++) {
                Step step = log[(int) (i % KEPT_STEPS)];
                step.removed().forEach(gone -> net.merge(gone, -sign, Integer::sum));
                step.added().forEach(came -> net.merge(came, sign, Integer::sum));
            }
        }
        List<TaskEndpoint> removed = new ArrayList<>();
        List<TaskEndpoint> added = new ArrayList<>();
        net.forEach((endpoint, count) -> {
            for (int i = 0; i < Math.abs(count); i++) {
                (count < 0 ? removed : added).add(endpoint);
            }
        });
        removed.sort(EndpointChanges.ORDER);
        added.sort(EndpointChanges.ORDER);
        EndpointChanges changes = new EndpointChanges(heldVersion, nowVersion, removed, added);
        synchronized (log) {
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
        // one list at a time, so that each step is logged from the one before it
        synchronized (log) {
            before = last;
            if (before != null && before.endpoints() == endpoints) {
                return before;
            }
            Versioned made;
            if (before == null) {
                made = new Versioned(endpoints, EndpointChanges.versionOf(endpoints));
                log(new Step(made.version(), List.of(), List.of()));
            }
            else {
                // a merge of two sorted lists, and a hash of each endpoint that differs: no digest of the whole list
                EndpointChanges changes = EndpointChanges.between(before.version(), before.endpoints(), "", endpoints);
                made = new Versioned(endpoints, EndpointChanges.versionAfter(before.version(), changes.removed(), changes.added()));
                if (!made.version().equals(before.version())) {
                    log(new Step(made.version(), changes.removed(), changes.added()));
                }
            }
            last = made;
            return made;
        }
    }

    /** Logs step as the next, dropping the oldest. Under the log's lock. */
    private void log(Step step)
    {
        int slot = (int) (logged % KEPT_STEPS);
        Step dropped = log[slot];
        if (dropped != null && Long.valueOf(logged - KEPT_STEPS).equals(lastLogged.get(dropped.version()))) {
            lastLogged.remove(dropped.version());
        }
        log[slot] = step;
        lastLogged.put(step.version(), logged);
        logged++;
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
