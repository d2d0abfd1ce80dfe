package io.berth.agent.network;

import io.berth.agent.network.FirewallRules.LocalTask;
import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant firewall's turns, with a stand-in for nft: a shell prefix that records each ruleset it is handed on
 * stdin and takes a while, as nft does. Only the coalescing logic is under test here; the rules themselves are
 * applied by a real nft in the network integration and end-to-end tests.
 */
class TenantFirewallTest
{
    private static final int CALLERS = 12;

    @Test
    void concurrentCallersShareRendersAndEachReturnsCovered(@TempDir Path directory)
            throws Exception
    {
        Path applied = directory.resolve("applied");
        Files.createDirectories(applied);
        // each "nft -f -" call writes its stdin to a file of its own after 50 ms
        NetworkCommands commands = new NetworkCommands(List.of("/bin/sh", "-c", "sleep 0.05; cat > " + applied + "/$$", "nft"));
        TenantFirewall firewall = new TenantFirewall("bnt9", commands);
        ConcurrentHashMap.KeySetView<String, Boolean> tasks = ConcurrentHashMap.newKeySet();
        CountDownLatch ready = new CountDownLatch(CALLERS);
        ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                String name = "veth" + i;
                done.add(threads.submit(() -> {
                    ready.countDown();
                    ready.await(10, TimeUnit.SECONDS);
                    // a task's state changes first, then it asks for the firewall, as CniTaskNetwork does
                    tasks.add(name);
                    firewall.apply(() -> rules(List.copyOf(tasks)));
                    return name;
                }));
            }
            for (Future<String> each : done) {
                String name = each.get(30, TimeUnit.SECONDS);
                // when apply returned, a ruleset with this task's port was applied (by this caller or one that covered it)
                assertThat(appliedRulesets(applied)).anyMatch(ruleset -> ruleset.contains("\"" + name + "\""));
            }
        }
        finally {
            threads.shutdownNow();
        }
        List<String> rulesets = appliedRulesets(applied);
        assertThat(rulesets.size()).isLessThan(CALLERS);
        assertThat(rulesets).anyMatch(ruleset -> tasks.stream().allMatch(name -> ruleset.contains("\"" + name + "\"")));
    }

    @Test
    void aForcedApplyRunsEvenWhenCovered(@TempDir Path directory)
            throws Exception
    {
        Path applied = directory.resolve("applied");
        Files.createDirectories(applied);
        TenantFirewall firewall = new TenantFirewall("bnt9", new NetworkCommands(List.of("/bin/sh", "-c", "cat > " + applied + "/$$", "nft")));

        firewall.apply(() -> rules(List.of("veth1")));
        firewall.apply(() -> rules(List.of("veth1")));
        assertThat(appliedRulesets(applied)).hasSize(1);

        firewall.apply(() -> rules(List.of("veth1")), true);
        assertThat(appliedRulesets(applied)).hasSize(2);
    }

    private static List<String> appliedRulesets(Path directory)
            throws Exception
    {
        List<String> rulesets = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                rulesets.add(Files.readString(file));
            }
        }
        return rulesets;
    }

    private static FirewallRules rules(List<String> ports)
    {
        List<LocalTask> tasks = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            tasks.add(new LocalTask("task-" + ports.get(i), "111111111111", ports.get(i), String.format("0a:58:0a:f1:03:%02x", i + 2), "10.241.3." + (i + 2)));
        }
        return new FirewallRules("bnt9", Optional.empty(), Ipv4Cidr.parse("10.241.0.0/16"), Ipv4Cidr.parse("10.241.3.0/24"), 0,
                tasks, List.of(), List.of(), Map.of(), List.of());
    }
}
