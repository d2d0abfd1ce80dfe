package io.berth.cli.commands;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads task sizes the way people write them. CPU: "256" (units), "0.25" or "2" (vCPU; numbers up to 16 are
 * vCPU, above are units), "0.5 vCPU". Memory: "512" (MiB), "512 MiB", "1 GB" or "1GiB" (GB means GiB, as in
 * ECS). Returns ECS units: CPU units (1024 per vCPU) and MiB.
 */
public final class TaskSizes
{
    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");
    private static final BigDecimal UNITS_PER_VCPU = BigDecimal.valueOf(1024);
    private static final BigDecimal MAX_VCPU_NUMBER = BigDecimal.valueOf(16);

    private TaskSizes() {}

    public static int parseCpuUnits(String value)
    {
        Matcher matcher = SIZE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("CPU '" + value + "' is not a size: use CPU units (256) or vCPU (0.25, \"0.5 vCPU\")");
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        BigDecimal units = switch (unit) {
            case "vcpu", "vcpus", "cpu", "cpus" -> number.multiply(UNITS_PER_VCPU);
            case "" -> number.compareTo(MAX_VCPU_NUMBER) <= 0 ? number.multiply(UNITS_PER_VCPU) : number;
            default -> throw new IllegalArgumentException("CPU '" + value + "' has an unknown unit '" + matcher.group(2) + "': use vCPU or none");
        };
        return wholePositive(units, "CPU '" + value + "'", "CPU units");
    }

    public static int parseMemoryMiB(String value)
    {
        Matcher matcher = SIZE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Memory '" + value + "' is not a size: use MiB (512) or a unit (\"1 GB\", 512MiB)");
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        BigDecimal mebibytes = switch (unit) {
            case "", "m", "mb", "mib" -> number;
            case "g", "gb", "gib" -> number.multiply(BigDecimal.valueOf(1024));
            default -> throw new IllegalArgumentException("Memory '" + value + "' has an unknown unit '" + matcher.group(2) + "': use MiB or GB");
        };
        return wholePositive(mebibytes, "Memory '" + value + "'", "MiB");
    }

    private static int wholePositive(BigDecimal amount, String what, String unit)
    {
        BigDecimal stripped = amount.stripTrailingZeros();
        if (stripped.signum() <= 0 || stripped.scale() > 0 || stripped.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(what + " is not a whole, positive number of " + unit);
        }
        return stripped.intValueExact();
    }
}
