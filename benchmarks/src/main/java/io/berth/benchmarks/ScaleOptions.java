package io.berth.benchmarks;

import io.berth.testing.BerthJvm;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of {@link ScaleBenchmark}: simulated agents, tasks they hold before the measures, each agent's heartbeat,
 * how long each measured phase lasts, RunTask workers, how many `berth server` replicas the throughput series goes up
 * to (1: no series, no failover), how long giving the fleet its tasks may take (the measures then run with the tasks given
 * so far), how long RunTask runs unmeasured before the measures (a freshly started server spends as much CPU compiling
 * as serving for a minute or so: measured with JFR, docs/benchmarks.md), whether the first replica records a JFR
 * profile, and the replicas' JVM options: `berth server`'s (G1), or with `--collector serial` those of `berth up` (the
 * serial collector), to compare the two in the same harness.
 */
record ScaleOptions(int agents, int tasks, Duration heartbeat, Duration phase, int concurrency, int replicas, Duration fillLimit, Duration warmUp, boolean profile,
                    List<String> serverJvmOptions)
{
    static final String USAGE = "usage: bench --scale [--agents N (1000)] [--tasks N (50000)] [--heartbeat-ms N (2000)] [--seconds N (20)] "
            + "[--concurrency N (32)] [--replicas N (3)] [--fill-minutes N (30)] [--warm-up-seconds N (0)] [--collector g1|serial (g1)] [--jfr]";

    ScaleOptions
    {
        if (agents < 1 || tasks < 0 || heartbeat.toMillis() < 100 || phase.toSeconds() < 1 || concurrency < 1 || replicas < 1 || replicas > 3 || fillLimit.toMinutes() < 1
                || warmUp.isNegative()) {
            throw new IllegalArgumentException("agents and concurrency must be at least 1, tasks at least 0, the heartbeat at least 100 ms, "
                    + "a phase at least 1 s, replicas 1 to 3, the fill at least 1 minute and the warm-up at least 0 s; " + USAGE);
        }
        serverJvmOptions = List.copyOf(serverJvmOptions);
    }

    static ScaleOptions parse(List<String> arguments)
    {
        int agents = 1000;
        int tasks = 50_000;
        long heartbeatMillis = 2000;
        long seconds = 20;
        int concurrency = 32;
        int replicas = 3;
        long fillMinutes = 30;
        long warmUpSeconds = 0;
        boolean profile = false;
        List<String> serverJvmOptions = BerthJvm.CONTROL_PLANE_OPTIONS;
        for (int i = 0; i < arguments.size(); i++) {
            String option = arguments.get(i);
            if (option.equals("--jfr")) {
                profile = true;
                continue;
            }
            if (i + 1 >= arguments.size()) {
                throw new IllegalArgumentException("missing value for " + option + "; " + USAGE);
            }
            String value = arguments.get(++i);
            try {
                switch (option) {
                    case "--agents" -> agents = Integer.parseInt(value);
                    case "--tasks" -> tasks = Integer.parseInt(value);
                    case "--heartbeat-ms" -> heartbeatMillis = Long.parseLong(value);
                    case "--seconds" -> seconds = Long.parseLong(value);
                    case "--concurrency" -> concurrency = Integer.parseInt(value);
                    case "--replicas" -> replicas = Integer.parseInt(value);
                    case "--fill-minutes" -> fillMinutes = Long.parseLong(value);
                    case "--warm-up-seconds" -> warmUpSeconds = Long.parseLong(value);
                    case "--collector" -> serverJvmOptions = switch (value) {
                        case "g1" -> BerthJvm.CONTROL_PLANE_OPTIONS;
                        case "serial" -> BerthJvm.SERVER_OPTIONS;
                        default -> throw new IllegalArgumentException("--collector is g1 (berth server's) or serial (berth up's), not '" + value + "'");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
                }
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, not '" + value + "'");
            }
        }
        return new ScaleOptions(agents, tasks, Duration.ofMillis(heartbeatMillis), Duration.ofSeconds(seconds), concurrency, replicas, Duration.ofMinutes(fillMinutes),
                Duration.ofSeconds(warmUpSeconds), profile, serverJvmOptions);
    }
}
