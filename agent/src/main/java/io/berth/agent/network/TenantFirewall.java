package io.berth.agent.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Applies the host's tenant firewall ({@link FirewallRuleset}) with nftables ({@link NetworkCommands#nft}), one render at a time: every caller
 * renders from the state it holds when it gets its turn, so the last one to apply wins with the newest state.
 * Callers that waited for their turn while another render was applied are covered by it when that render began
 * after they called (it read their changes): they return without an nft call of their own, so a burst of task
 * set-ups on one host costs one render per turn, not one per task.
 */
final class TenantFirewall
{
    private static final Logger log = LoggerFactory.getLogger(TenantFirewall.class);

    private final String bridgeName;
    private final NetworkCommands commands;
    private final ReentrantLock applying = new ReentrantLock();
    /** Numbers the calls to apply, each taken after the caller changed what the rules are rendered from. */
    private final AtomicLong calls = new AtomicLong();
    private String applied;
    /** Every call numbered up to this one is in the rules applied last; guarded by applying. */
    private long coveredUpTo;

    TenantFirewall(String bridgeName, NetworkCommands commands)
    {
        this.bridgeName = requireNonNull(bridgeName, "bridgeName is null");
        this.commands = requireNonNull(commands, "commands is null");
    }

    /** Renders the rules that the source returns once this caller's turn has come, and applies them unless unchanged. */
    void apply(RulesSource source)
            throws NetworkException
    {
        apply(source, false);
    }

    /** As {@link #apply(RulesSource)}, and with force also when unchanged: puts back tables someone else removed. */
    void apply(RulesSource source, boolean force)
            throws NetworkException
    {
        long call = calls.incrementAndGet();
        applying.lock();
        try {
            if (!force && coveredUpTo >= call) {
                return;
            }
            // read before the rules: every call numbered up to here changed its state before this render reads it
            long covering = calls.get();
            String ruleset = FirewallRuleset.render(source.rules());
            if (force || !ruleset.equals(applied)) {
                commands.nft("apply the tenant firewall " + FirewallRuleset.tableName(bridgeName), ruleset);
                if (applied == null) {
                    log.info("tenant firewall {} applied", FirewallRuleset.tableName(bridgeName));
                }
                applied = ruleset;
            }
            coveredUpTo = covering;
        }
        finally {
            applying.unlock();
        }
    }

    /** Removes both tables; tables that do not exist are fine. */
    void remove()
            throws NetworkException
    {
        applying.lock();
        try {
            commands.nft("remove the tenant firewall " + FirewallRuleset.tableName(bridgeName), FirewallRuleset.removal(bridgeName));
            applied = null;
            // the tables are gone: no earlier render covers a caller still waiting for its turn
            coveredUpTo = 0;
        }
        finally {
            applying.unlock();
        }
    }

    /** The rules as they stand now; called with the firewall's turn held. */
    @FunctionalInterface
    interface RulesSource
    {
        FirewallRules rules()
                throws NetworkException;
    }
}
