package io.berth.agent.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Applies the host's tenant firewall ({@link FirewallRuleset}) with nft, one render at a time: every caller
 * renders from the state it holds when it gets its turn, so the last one to apply wins with the newest state.
 */
final class TenantFirewall
{
    private static final Logger log = LoggerFactory.getLogger(TenantFirewall.class);
    private static final List<String> NFT_FROM_STDIN = List.of(NetworkCommands.NFT, "-f", "-");

    private final String bridgeName;
    private final NetworkCommands commands;
    private final ReentrantLock applying = new ReentrantLock();
    private String applied;

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
        applying.lock();
        try {
            String ruleset = FirewallRuleset.render(source.rules());
            if (!force && ruleset.equals(applied)) {
                return;
            }
            commands.run("apply the tenant firewall " + FirewallRuleset.tableName(bridgeName), NFT_FROM_STDIN, ruleset);
            if (applied == null) {
                log.info("tenant firewall {} applied", FirewallRuleset.tableName(bridgeName));
            }
            applied = ruleset;
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
            commands.run("remove the tenant firewall " + FirewallRuleset.tableName(bridgeName), NFT_FROM_STDIN, FirewallRuleset.removal(bridgeName));
            applied = null;
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
