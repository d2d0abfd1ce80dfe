package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** Prints a bill (the JSON of GET /berth/bill) as a table or as CSV. */
final class BillPrinter
{
    private static final int TABLE_MONEY_SCALE = 6;

    private record Column(String header, String csvHeader, Function<JsonNode, String> table, Function<JsonNode, String> csv) {}

    private BillPrinter() {}

    static void table(JsonNode bill, PrintWriter out)
    {
        JsonNode prices = bill.path("priceList");
        out.printf("Prices: %s: %s %s per vCPU-hour, %s per GB-hour (FARGATE_SPOT tasks: x %s); billed per second from image pull to stop, at least %d s.%n",
                prices.path("label").asText(), prices.path("currency").asText(), prices.path("perVcpuHour").asText(),
                prices.path("perGbHour").asText(), prices.path("spotFactor").asText("1"), prices.path("minimumBilledSeconds").asLong());
        out.printf("Period: from %s %s. Cost is rounded to %d places here; the total is the sum of the exact per-task costs.%n%n",
                bill.path("since").asText("the first task"),
                bill.hasNonNull("until") ? "until " + bill.path("until").asText() : "on (running tasks count up to now)",
                TABLE_MONEY_SCALE);
        List<Column> columns = columns(bill);
        TablePrinter table = new TablePrinter(columns.stream().map(Column::header).toList());
        for (JsonNode line : bill.path("lines")) {
            table.addRow(columns.stream().map(column -> column.table().apply(line)).toList());
        }
        List<String> total = new ArrayList<>(columns.stream().map(column -> column.table().apply(bill.path("total"))).toList());
        total.set(0, "TOTAL");
        table.addRow(total);
        table.print(out);
        out.println();
        rightSizing(bill.path("recommendations"), out);
        out.flush();
    }

    static void csv(JsonNode bill, PrintWriter out)
    {
        List<Column> columns = columns(bill);
        out.println(String.join(",", columns.stream().map(Column::csvHeader).toList()));
        for (JsonNode line : bill.path("lines")) {
            out.println(String.join(",", columns.stream().map(column -> csvCell(column.csv().apply(line))).toList()));
        }
        out.flush();
    }

    private static List<Column> columns(JsonNode bill)
    {
        String by = bill.path("by").asText("task");
        List<Column> columns = new ArrayList<>();
        if (by.equals("task")) {
            columns.add(new Column("TASK", "taskArn", line -> TaskReference.shortId(line.path("taskArn").asText("")), line -> line.path("taskArn").asText("")));
            columns.add(text("FAMILY", "family"));
            columns.add(text("vCPU", "vcpu"));
            columns.add(text("GiB", "memoryGiB"));
            columns.add(text("CAPACITY", "capacityProvider"));
        }
        else {
            columns.add(text(by.toUpperCase(Locale.ROOT), by));
            columns.add(text("TASKS", "tasks"));
        }
        if (severalAccounts(bill)) {
            columns.add(1, text("ACCOUNT", "accountId"));
        }
        columns.add(text("BILLED-S", "billedSeconds"));
        columns.add(text("vCPU-S", "vcpuSeconds"));
        columns.add(text("GB-S", "gbSeconds"));
        columns.add(new Column("COST-" + bill.path("priceList").path("currency").asText("USD"), "cost", line -> money(line.path("cost").asText("0"), TABLE_MONEY_SCALE), line -> line.path("cost").asText("")));
        columns.add(new Column("CPU-USED-S", "usedCpuSeconds", line -> fixed(line.path("usedCpuSeconds").asDouble(), 2), line -> line.path("usedCpuSeconds").asText("")));
        columns.add(new Column("CPU-UTIL", "cpuUtilisation", line -> percent(line.path("cpuUtilisation").asDouble()), line -> line.path("cpuUtilisation").asText("")));
        columns.add(new Column("MEM-AVG-MiB", "avgMemoryMiB", line -> fixed(line.path("avgMemoryMiB").asDouble(), 1), line -> line.path("avgMemoryMiB").asText("")));
        columns.add(new Column("MEM-PEAK-MiB", "peakMemoryMiB", line -> fixed(line.path("peakMemoryMiB").asDouble(), 1), line -> line.path("peakMemoryMiB").asText("")));
        columns.add(new Column("MEM-UTIL", "memoryUtilisation", line -> percent(line.path("memoryUtilisation").asDouble()), line -> line.path("memoryUtilisation").asText("")));
        return columns;
    }

    private static void rightSizing(JsonNode recommendations, PrintWriter out)
    {
        out.println("Right-sizing:");
        if (recommendations.isEmpty()) {
            out.println("  No family uses well under its size (peak memory under 50% and CPU under 30% of the request, over 10 minutes or more of use).");
            return;
        }
        TablePrinter table = new TablePrinter(List.of("FAMILY", "TASKS", "SIZE", "PEAK-MiB", "CPU-UTIL", "SUGGESTED", "SAVING/MONTH/TASK", "SAVING/MONTH"));
        for (JsonNode recommendation : recommendations) {
            table.addRow(List.of(
                    recommendation.path("family").asText(),
                    recommendation.path("tasks").asText(),
                    size(recommendation.path("currentCpu").asInt(), recommendation.path("currentMemory").asInt()),
                    fixed(recommendation.path("peakMemoryMiB").asDouble(), 1),
                    percent(recommendation.path("cpuUtilisation").asDouble()),
                    size(recommendation.path("recommendedCpu").asInt(), recommendation.path("recommendedMemory").asInt()),
                    money(recommendation.path("monthlySavingPerTask").asText("0"), 2),
                    money(recommendation.path("monthlySavingAtCurrentUse").asText("0"), 2)));
        }
        table.print(out);
        out.println("  Sizes hold the observed peak memory and average CPU with 25% headroom; savings are per 730-hour month.");
    }

    private static boolean severalAccounts(JsonNode bill)
    {
        Set<String> accounts = new HashSet<>();
        bill.path("lines").forEach(line -> accounts.add(line.path("accountId").asText("")));
        return accounts.size() > 1;
    }

    private static Column text(String header, String field)
    {
        return new Column(header, field, line -> line.path(field).asText(""), line -> line.path(field).asText(""));
    }

    private static String size(int cpu, int memory)
    {
        return new BigDecimal(cpu).divide(BigDecimal.valueOf(1024)).stripTrailingZeros().toPlainString() + " vCPU/"
                + new BigDecimal(memory).divide(BigDecimal.valueOf(1024)).stripTrailingZeros().toPlainString() + " GiB";
    }

    private static String money(String exact, int scale)
    {
        return new BigDecimal(exact).setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    private static String fixed(double value, int places)
    {
        return String.format(Locale.ROOT, "%." + places + "f", value);
    }

    private static String percent(double share)
    {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String csvCell(String value)
    {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
