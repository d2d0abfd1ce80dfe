/**
 * The data plane of Berth's load balancers on an ingress host: a generated HAProxy configuration (one frontend per
 * listener on its load balancer's own address, ACLs for rules, one backend per target group with HTTP health checks),
 * HAProxy run in master-worker mode and supervised by the agent (reloaded hitlessly on change, restarted when it
 * dies), and the target health it sees, reported back to the control plane with each sync.
 */
package io.berth.agent.ingress;
