package io.berth.cli.agent;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** --cpu-overcommit and --memory-overcommit of `berth agent` and `berth up`, whose defaults differ. */
public final class OvercommitOptions
{
    @Option(names = "--cpu-overcommit", paramLabel = "FACTOR",
            description = "Offer the scheduler this many times the host's cpu (its cores, or --cpu), e.g. 8 to place eight 1-vCPU tasks per core; "
                    + "each task's cgroup still caps its own use (default: 1 for berth agent, 8 for berth up).")
    Double cpu;

    @Option(names = "--memory-overcommit", paramLabel = "FACTOR",
            description = "Offer the scheduler this many times the host's memory (or --memory) (default: 1 for berth agent, 2 for berth up).")
    Double memory;

    /** The factors given, each falling back to the command's default. */
    public Overcommit resolve(Overcommit defaults, CommandSpec spec)
    {
        try {
            return new Overcommit(cpu != null ? cpu : defaults.cpu(), memory != null ? memory : defaults.memory());
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
