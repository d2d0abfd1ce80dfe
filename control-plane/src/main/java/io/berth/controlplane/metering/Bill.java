package io.berth.controlplane.metering;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A bill for a period: one line per key of the grouping, the total (summed from the same per-task charges
 * as the lines), and right-sizing advice for the families in it.
 */
public record Bill(
        BillingPeriod period,
        BillGrouping grouping,
        PriceList prices,
        long minimumBilledSeconds,
        List<BillLine> lines,
        BillLine total,
        List<Recommendation> recommendations)
{
    public Bill
    {
        requireNonNull(period, "period is null");
        requireNonNull(grouping, "grouping is null");
        requireNonNull(prices, "prices is null");
        lines = List.copyOf(lines);
        requireNonNull(total, "total is null");
        recommendations = List.copyOf(recommendations);
    }
}
