package io.berth.agent.ingress;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.IngressReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The link of an ingress host: each sync carries the target health HAProxy sees (which also marks this host as one
 * that serves load balancers), and the answer's ingress plan goes to HAProxy.
 */
public final class IngressLink
        implements ControlPlaneLink
{
    private static final Logger log = LoggerFactory.getLogger(IngressLink.class);

    private final ControlPlaneLink link;
    private final HaproxySupervisor haproxy;

    public IngressLink(ControlPlaneLink link, HaproxySupervisor haproxy)
    {
        this.link = requireNonNull(link, "link is null");
        this.haproxy = requireNonNull(haproxy, "haproxy is null");
    }

    /** The link this one wraps: the one other traffic (e.g. awslogs lines) goes over. */
    public ControlPlaneLink inner()
    {
        return link;
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        SyncResponse response = link.sync(request.withIngress(new IngressReport(haproxy.health())));
        if (response.ingress() != null) {
            try {
                haproxy.apply(response.ingress());
            }
            catch (RuntimeException e) {
                // the tasks' reconciliation goes on; HAProxy is brought to the plan again at the next sync or supervision round
                log.warn("ingress: cannot serve the latest load balancer plan yet: {}", e.getMessage());
            }
        }
        return response;
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        link.awaitChange(hostId, timeout);
    }
}
