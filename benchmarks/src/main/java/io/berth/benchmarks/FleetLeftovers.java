package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.rootfs.LoopDeviceTaskStorage;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.common.json.Json;
import io.berth.testing.LocalFleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * After the fleet's processes stopped: what a task stop that failed or timed out leaves on the machine, removed as
 * an agent would: containers (runc state, conmon), overlay mounts, the agent's cgroups, and the tasks' network
 * namespaces (the agents' own namespaces, with their bridges, go with the fleet's network).
 */
final class FleetLeftovers
{
    private FleetLeftovers() {}

    static void sweep(LocalFleet fleet)
            throws IOException, InterruptedException
    {
        for (int i = 0; i < fleet.size(); i++) {
            Path agent = fleet.agentDirectory(i);
            if (!Files.exists(agent.resolve("host-credential.json"))) {
                continue;
            }
            RuncConmonRuntime runtime = new RuncConmonRuntime(agent.resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON,
                    "berth/" + fleet.hostId(i), Clock.systemUTC());
            for (String containerId : runtime.containerIds()) {
                System.err.println("bench: deleting container " + containerId + " that agent " + i + " left");
                runtime.delete(containerId);
            }
            OverlaySnapshotter snapshotter = new OverlaySnapshotter(agent.resolve("rootfs"));
            for (String key : snapshotter.keys()) {
                snapshotter.remove(key);
            }
            LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(agent.resolve("storage"));
            for (String taskId : storage.taskIds()) {
                System.err.println("bench: removing the storage of task " + taskId + " that agent " + i + " left");
                storage.remove(taskId);
            }
            // an agent killed, not stopped, leaves its spare storage mounted
            storage.removeSpares();
            runtime.removeCgroupParent();
            deleteTaskNamespaces(agent.resolve("network"));
        }
    }

    /** The network namespace of each task whose network state the agent still holds (a task it could not stop). */
    private static void deleteTaskNamespaces(Path networkDirectory)
            throws IOException, InterruptedException
    {
        if (!Files.isDirectory(networkDirectory)) {
            return;
        }
        List<Path> states;
        try (Stream<Path> files = Files.walk(networkDirectory, 2)) {
            states = files.filter(file -> file.getFileName().toString().endsWith(".json")).toList();
        }
        for (Path state : states) {
            JsonNode namespace = Json.mapper().readTree(state.toFile()).path("namespace");
            if (namespace.isTextual() && !namespace.asText().isBlank() && !namespace.asText().contains("/")) {
                System.err.println("bench: deleting network namespace " + namespace.asText() + " that an agent left");
                Process delete = new ProcessBuilder("ip", "netns", "delete", namespace.asText()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!delete.waitFor(30, TimeUnit.SECONDS)) {
                    delete.destroyForcibly();
                }
            }
            // a task that took a warm namespace is known by its name too, a symbolic link to the warm one (BRIDGE-TASKID)
            String taskId = state.getFileName().toString().replaceFirst("\\.json$", "");
            try (Stream<Path> names = Files.list(Path.of("/run/netns"))) {
                for (Path name : names.filter(Files::isSymbolicLink).filter(link -> link.getFileName().toString().endsWith("-" + taskId)).toList()) {
                    Files.deleteIfExists(name);
                }
            }
        }
    }
}
