package io.berth.controlplane.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.accounts.AccountNotFoundException;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The operator's limits on where an account's tasks may send traffic outside the cluster. Every host enforces
 * them for the account's tasks it holds, so a change wakes every host to sync.
 */
public final class EgressPolicies
{
    private static final Logger log = LoggerFactory.getLogger(EgressPolicies.class);

    private final Store store;
    private final HostSignals hostSignals;

    public EgressPolicies(Store store, HostSignals hostSignals)
    {
        this.store = requireNonNull(store, "store is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
    }

    /**
     * Sets the account's policy: null lifts every restriction; an empty list denies all egress. The CIDRs must be
     * IPv4 networks (IllegalArgumentException says which is not); they are stored in their one spelling.
     * AccountNotFoundException for an unknown account. Returns the policy stored.
     */
    public EgressPolicy set(String accountId, EgressPolicy policy)
    {
        requireNonNull(accountId, "accountId is null");
        EgressPolicy canonical = policy == null ? null : new EgressPolicy(policy.allowedCidrs().stream()
                .map(cidr -> Ipv4Cidr.parse(cidr).toString())
                .distinct()
                .toList());
        List<String> hosts = store.inTransaction(transaction -> {
            if (!transaction.accounts().setEgress(accountId, canonical)) {
                throw new AccountNotFoundException(accountId);
            }
            return transaction.hosts().all().stream().map(Host::hostId).toList();
        });
        log.info("Egress of account {} set to {}", accountId, describe(canonical));
        hosts.forEach(hostSignals::signal);
        return canonical;
    }

    private static String describe(EgressPolicy policy)
    {
        if (policy == null) {
            return "unrestricted";
        }
        return policy.deniesAll() ? "deny all" : "allow " + String.join(", ", policy.allowedCidrs());
    }
}
