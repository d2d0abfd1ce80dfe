package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size of a task: cpu in ECS units (1024 = 1 vCPU) and memory in MiB. Parses the strings ECS accepts
 * ("256", "0.25 vCPU", "512", "1 GB").
 */
public record TaskSize(int cpu, int memory)
{
    private static final Pattern AMOUNT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

    public static final TaskSize SMALLEST = new TaskSize(256, 512);

    /** ECS units from "256" or "0.25 vCPU"; null stays null. */
    public static Integer parseCpu(String value)
    {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher matcher = AMOUNT.matcher(value);
        if (matcher.matches()) {
            BigDecimal number = new BigDecimal(matcher.group(1));
            String unit = matcher.group(2).toLowerCase(Locale.ROOT);
            BigDecimal units = switch (unit) {
                case "" -> number;
                case "vcpu" -> number.multiply(BigDecimal.valueOf(1024));
                default -> null;
            };
            if (isWholePositiveInt(units)) {
                return units.intValueExact();
            }
        }
        throw InvalidRequestException.refused("Invalid 'cpu' setting for task: '" + value + "'. Give cpu units such as \"256\" or vCPUs such as \"0.25 vCPU\"; Fargate's largest is 16384 (16 vCPU).");
    }

    /** MiB from "512", "512 MiB" or "1 GB" (GB meaning GiB, as ECS reads it); null stays null. */
    public static Integer parseMemory(String value)
    {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher matcher = AMOUNT.matcher(value);
        if (matcher.matches()) {
            BigDecimal number = new BigDecimal(matcher.group(1));
            String unit = matcher.group(2).toLowerCase(Locale.ROOT);
            BigDecimal mebibytes = switch (unit) {
                case "", "mb", "mib" -> number;
                case "gb", "gib" -> number.multiply(BigDecimal.valueOf(1024));
                default -> null;
            };
            if (isWholePositiveInt(mebibytes)) {
                return mebibytes.intValueExact();
            }
        }
        throw InvalidRequestException.refused("Invalid 'memory' setting for task: '" + value + "'. Give MiB such as \"512\" or GB such as \"1 GB\"; Fargate's largest is 122880 (120 GB).");
    }

    /** A whole number from 1 to Integer.MAX_VALUE: a larger one is a client's mistake, not an overflow to report as a server error. */
    private static boolean isWholePositiveInt(BigDecimal number)
    {
        return number != null
                && number.signum() > 0
                && number.stripTrailingZeros().scale() <= 0
                && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
    }
}
