package io.berth.agent.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A stand-in agent for the restart test: starts one container in a JVM of its own, says so, and waits to
 * be killed. Arguments: state directory, cgroup parent, rootfs, log file, container id, command...
 */
public final class RuntimeStarterMain
{
    private RuntimeStarterMain() {}

    public static void main(String[] args)
            throws Exception
    {
        RuncConmonRuntime runtime = new RuncConmonRuntime(Path.of(args[0]), RuncConmonRuntime.DEFAULT_RUNC,
                RuncConmonRuntime.DEFAULT_CONMON, args[1], Clock.systemUTC());
        List<String> command = List.of(args).subList(5, args.length);
        runtime.start(new ContainerLaunch(args[4], Path.of(args[2]), command, List.of(), "/", "", "child",
                ResourceLimits.fromTaskSize(256, 128), Path.of(args[3])));
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
