package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.metering.BillGrouping;
import io.berth.controlplane.metering.BillingPeriod;
import io.berth.controlplane.metering.MeteringService;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * GET /berth/bill?since=&until=&by=task|family|service|cluster|tag:KEY&account=: the bill of the caller's account.
 * The operator sees every account's, or one account's with account=ID. Dates are UTC days (2024-05-01),
 * date-times (2024-05-01T12:00:00Z) or epoch seconds; the period is [since, until), open where not given.
 */
public final class BillEndpoint
        implements AdminEndpoint
{
    private final MeteringService metering;

    public BillEndpoint(MeteringService metering)
    {
        this.metering = requireNonNull(metering, "metering is null");
    }

    @Override
    public String method()
    {
        return "GET";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/bill";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        String account = emptyToNull(query.get("account"));
        String callerAccount = context.account().accountId();
        if (!context.account().operator() && account != null && !account.equals(callerAccount)) {
            throw EcsException.accessDenied("An account can only see its own bill; leave out account= or use the operator's access key.");
        }
        String accountFilter = context.account().operator() ? account : callerAccount;
        BillingPeriod period;
        try {
            period = new BillingPeriod(time("since", query.get("since")), time("until", query.get("until")));
        }
        catch (IllegalArgumentException e) {
            throw EcsException.invalidParameter(e.getMessage().substring(0, 1).toUpperCase() + e.getMessage().substring(1) + ".");
        }
        BillGrouping grouping;
        try {
            String by = emptyToNull(query.get("by"));
            grouping = by == null ? BillGrouping.TASK : BillGrouping.fromWireName(by);
        }
        catch (IllegalArgumentException e) {
            throw EcsException.invalidParameter("by must be task, family, service, cluster or tag:KEY, got '" + query.get("by") + "'.");
        }
        return BillWire.bill(metering.bill(accountFilter, period, grouping));
    }

    static Instant time(String name, String value)
    {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        try {
            if (text.matches("[0-9]+(\\.[0-9]+)?")) {
                return Instant.ofEpochMilli(new java.math.BigDecimal(text).movePointRight(3).longValue());
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-][0-9]{2}:[0-9]{2}$")) {
                return java.time.OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be a date (2024-05-01), a date-time (2024-05-01T12:00:00Z) or epoch seconds, got '" + value + "'");
        }
    }

    private static String emptyToNull(String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }
}
