package io.berth.cli.commands;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * `berth run` takes its options before or after IMAGE (`berth run IMAGE --cpu 0.25 -- make test`), and its
 * container command with or without "--" (`berth run IMAGE ls -l`). The first word after IMAGE that is not an
 * option of `berth run` begins the command: a "--" is put there, so the command's own flags reach the container.
 */
final class RunArguments
{
    private RunArguments() {}

    static String[] separateCommand(CommandLine root, String[] args)
    {
        CommandLine run = root.getSubcommands().get("run");
        if (args.length == 0 || !args[0].equals("run") || run == null) {
            return args;
        }
        CommandSpec spec = run.getCommandSpec();
        List<String> separated = new ArrayList<>(List.of("run"));
        boolean imageSeen = false;
        for (int i = 1; i < args.length; i++) {
            String argument = args[i];
            if (argument.equals("--")) {
                separated.addAll(Arrays.asList(args).subList(i, args.length));
                break;
            }
            if (argument.startsWith("-") && argument.length() > 1) {
                separated.add(argument);
                int equals = argument.indexOf('=');
                OptionSpec option = spec.findOption(equals > 0 ? argument.substring(0, equals) : argument);
                if (option != null && equals < 0 && option.arity().max() > 0 && i + 1 < args.length) {
                    separated.add(args[++i]);
                }
                continue;
            }
            if (!imageSeen) {
                imageSeen = true;
                separated.add(argument);
                continue;
            }
            separated.add("--");
            separated.addAll(Arrays.asList(args).subList(i, args.length));
            break;
        }
        return separated.toArray(String[]::new);
    }
}
