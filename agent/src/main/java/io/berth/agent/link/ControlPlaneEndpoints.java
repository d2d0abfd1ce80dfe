package io.berth.agent.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The control-plane replicas an agent may talk to: the URLs it was given (--join URL1,URL2) and those the control plane
 * names in its sync answers. Calls go to the one that answered last; when it does not answer, the agent tries the others
 * in turn and stays with the first that does. The given URLs are never forgotten, so an agent can always fall back to
 * them.
 */
public final class ControlPlaneEndpoints
{
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneEndpoints.class);

    private final List<URI> given;
    private final Consumer<List<URI>> learned;
    private List<URI> known;
    private URI current;

    public ControlPlaneEndpoints(List<URI> given)
    {
        this(given, urls -> {});
    }

    /** learned hears every new list of known URLs (to keep them for the agent's next start). */
    public ControlPlaneEndpoints(List<URI> given, Consumer<List<URI>> learned)
    {
        this.learned = requireNonNull(learned, "learned is null");
        this.given = List.copyOf(given);
        if (this.given.isEmpty()) {
            throw new IllegalArgumentException("at least one control plane URL is needed");
        }
        this.known = this.given;
        this.current = this.given.getFirst();
    }

    public static ControlPlaneEndpoints of(URI controlPlane)
    {
        return new ControlPlaneEndpoints(List.of(requireNonNull(controlPlane, "controlPlane is null")));
    }

    /** The one to call first: the last that answered. */
    public synchronized URI current()
    {
        return current;
    }

    /** Every known URL, the current one first, then the others in their order after it (round the list). */
    public synchronized List<URI> inOrder()
    {
        int start = Math.max(0, known.indexOf(current));
        List<URI> ordered = new ArrayList<>(known.size());
        for (int i = 0; i < known.size(); i++) {
            ordered.add(known.get((start + i) % known.size()));
        }
        if (!ordered.contains(current)) {
            ordered.addFirst(current);
        }
        return ordered;
    }

    /** url answered: calls go there from now on. */
    public synchronized void answered(URI url)
    {
        if (!url.equals(current)) {
            log.warn("control plane at {} did not answer; this agent now talks to the control plane at {}", current, url);
            current = url;
        }
    }

    /** The replicas a control plane named (its sync answer), beside the given ones; malformed entries are skipped. */
    public void learn(List<String> urls)
    {
        List<URI> changed = merge(urls);
        if (changed != null) {
            learned.accept(changed);
        }
    }

    /** The new list of known URLs, or null when it did not change. */
    private synchronized List<URI> merge(List<String> urls)
    {
        Set<URI> merged = new LinkedHashSet<>(given);
        for (String url : urls) {
            try {
                URI uri = URI.create(url);
                if (uri.isAbsolute() && uri.getHost() != null) {
                    merged.add(uri);
                }
            }
            catch (IllegalArgumentException e) {
                log.debug("ignoring the malformed control plane URL {}", url);
            }
        }
        List<URI> updated = List.copyOf(merged);
        if (updated.equals(known)) {
            return null;
        }
        log.info("control planes this agent may talk to: {}", updated);
        known = updated;
        return updated;
    }
}
