package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.metering.Bill;
import io.berth.controlplane.metering.BillGrouping;
import io.berth.controlplane.metering.BillLine;
import io.berth.controlplane.metering.MeteredTask;
import io.berth.controlplane.metering.Recommendation;
import io.berth.controlplane.metering.TaskCharge;

import java.time.Instant;

/**
 * The JSON shape of a bill. Money is a decimal string with every digit kept (10 places), so that a client
 * can add the lines and get the total exactly; vCPU, GiB and their seconds are exact decimal numbers.
 */
final class BillWire
{
    private BillWire() {}

    static JsonNode bill(Bill bill)
    {
        ObjectNode response = JsonFields.object();
        putTime(response, "since", bill.period().since());
        putTime(response, "until", bill.period().until());
        response.put("by", bill.grouping().wireName());
        ObjectNode prices = response.putObject("priceList");
        prices.put("label", bill.prices().label());
        prices.put("currency", bill.prices().currency());
        prices.put("perVcpuHour", bill.prices().perVcpuHour().toPlainString());
        prices.put("perGbHour", bill.prices().perGbHour().toPlainString());
        prices.put("spotFactor", bill.prices().spotFactor().toPlainString());
        prices.put("minimumBilledSeconds", bill.minimumBilledSeconds());
        ArrayNode lines = response.putArray("lines");
        bill.lines().forEach(line -> lines.add(line(line, bill.grouping())));
        response.set("total", line(bill.total(), null));
        ArrayNode recommendations = response.putArray("recommendations");
        bill.recommendations().forEach(recommendation -> recommendations.add(recommendation(recommendation)));
        return response;
    }

    private static ObjectNode line(BillLine line, BillGrouping grouping)
    {
        ObjectNode node = JsonFields.object();
        JsonFields.putIfNotNull(node, "accountId", line.accountId());
        if (grouping == BillGrouping.TASK) {
            TaskCharge charge = line.charges().getFirst();
            MeteredTask task = charge.task();
            node.put("taskArn", task.taskArn());
            node.put("taskId", task.taskId());
            node.put("cluster", task.clusterName());
            node.put("family", task.family());
            JsonFields.putIfNotNull(node, "service", task.serviceName());
            node.put("cpu", task.cpu());
            node.put("memory", task.memory());
            node.put("capacityProvider", task.spot() ? "FARGATE_SPOT" : "FARGATE");
            node.put("vcpu", charge.vcpu());
            node.put("memoryGiB", charge.memoryGiB());
            putTime(node, "pullStartedAt", task.pullStartedAt());
            putTime(node, "stoppedAt", task.stoppedAt());
            node.put("running", task.running());
            node.put("taskBilledSeconds", charge.taskBilledSeconds());
        }
        else if (grouping != null) {
            node.put(grouping.wireName(), line.key());
        }
        node.put("tasks", line.taskCount());
        node.put("billedSeconds", line.billedSeconds());
        node.put("vcpuSeconds", line.vcpuSeconds());
        node.put("gbSeconds", line.gbSeconds());
        node.put("cost", line.cost().toPlainString());
        node.put("usedCpuSeconds", rounded(line.usedCpuSeconds()));
        node.put("avgMemoryMiB", rounded(line.avgMemoryMiB()));
        node.put("peakMemoryMiB", rounded(line.peakMemoryMiB()));
        node.put("cpuUtilisation", rounded(line.cpuUtilisation()));
        node.put("memoryUtilisation", rounded(line.memoryUtilisation()));
        return node;
    }

    private static ObjectNode recommendation(Recommendation recommendation)
    {
        ObjectNode node = JsonFields.object();
        node.put("accountId", recommendation.accountId());
        node.put("family", recommendation.family());
        node.put("tasks", recommendation.taskCount());
        node.put("currentCpu", recommendation.currentCpu());
        node.put("currentMemory", recommendation.currentMemory());
        node.put("recommendedCpu", recommendation.recommendedCpu());
        node.put("recommendedMemory", recommendation.recommendedMemory());
        node.put("peakMemoryMiB", rounded(recommendation.peakMemoryMiB()));
        node.put("cpuUtilisation", rounded(recommendation.cpuUtilisation()));
        node.put("currentHourlyRate", recommendation.currentHourlyRate().toPlainString());
        node.put("recommendedHourlyRate", recommendation.recommendedHourlyRate().toPlainString());
        node.put("monthlySavingPerTask", recommendation.monthlySavingPerTask().toPlainString());
        node.put("monthlySavingAtCurrentUse", recommendation.monthlySavingAtCurrentUse().toPlainString());
        return node;
    }

    private static void putTime(ObjectNode node, String field, Instant value)
    {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    /** Usage figures are measurements, not money: six decimal places say all they know. */
    private static double rounded(double value)
    {
        return Math.round(value * 1e6) / 1e6;
    }
}
