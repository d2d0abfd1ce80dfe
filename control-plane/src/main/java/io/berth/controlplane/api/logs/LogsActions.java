package io.berth.controlplane.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.logs.EventsPage;
import io.berth.controlplane.logs.FilterPattern;
import io.berth.controlplane.logs.FilteredEvents;
import io.berth.controlplane.logs.InputLogEvent;
import io.berth.controlplane.logs.LogEvent;
import io.berth.controlplane.logs.LogGroup;
import io.berth.controlplane.logs.LogService;
import io.berth.controlplane.logs.LogStream;
import io.berth.controlplane.logs.LogsException;
import io.berth.controlplane.logs.PutResult;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.store.LogStreamRows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/**
 * CreateLogGroup, DeleteLogGroup, DescribeLogGroups, Put/DeleteRetentionPolicy, CreateLogStream, DeleteLogStream,
 * DescribeLogStreams, PutLogEvents, GetLogEvents and FilterLogEvents, each for the calling account only; ARNs carry
 * the request's region. Times are epoch milliseconds, as in CloudWatch Logs.
 */
public final class LogsActions
{
    private static final int MAX_DESCRIBE_LIMIT = 50;
    private static final int MAX_EVENTS_LIMIT = 10_000;

    private final LogService logs;

    public LogsActions(LogService logs)
    {
        this.logs = requireNonNull(logs, "logs is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                LogsAction.of("CreateLogGroup", Set.of("logGroupName", "kmsKeyId", "tags", "logGroupClass"), this::createLogGroup),
                LogsAction.of("DeleteLogGroup", Set.of("logGroupName"), this::deleteLogGroup),
                LogsAction.of("DescribeLogGroups", Set.of("logGroupNamePrefix", "nextToken", "limit", "logGroupClass", "includeLinkedAccounts"),
                        this::describeLogGroups),
                LogsAction.of("PutRetentionPolicy", Set.of("logGroupName", "retentionInDays"), this::putRetentionPolicy),
                LogsAction.of("DeleteRetentionPolicy", Set.of("logGroupName"), this::deleteRetentionPolicy),
                LogsAction.of("CreateLogStream", Set.of("logGroupName", "logStreamName"), this::createLogStream),
                LogsAction.of("DeleteLogStream", Set.of("logGroupName", "logStreamName"), this::deleteLogStream),
                LogsAction.of("DescribeLogStreams", Set.of("logGroupName", "logGroupIdentifier", "logStreamNamePrefix", "orderBy", "descending", "nextToken",
                        "limit"), this::describeLogStreams),
                // sequenceToken is accepted and ignored, as CloudWatch Logs itself does since 2023
                LogsAction.of("PutLogEvents", Set.of("logGroupName", "logStreamName", "logEvents", "sequenceToken"), this::putLogEvents),
                LogsAction.of("GetLogEvents", Set.of("logGroupName", "logGroupIdentifier", "logStreamName", "startTime", "endTime", "nextToken", "limit",
                        "startFromHead", "unmask"), this::getLogEvents),
                // interleaved is accepted: CloudWatch always interleaves now, and so does Berth
                LogsAction.of("FilterLogEvents", Set.of("logGroupName", "logGroupIdentifier", "logStreamNames", "logStreamNamePrefix", "startTime", "endTime",
                        "filterPattern", "nextToken", "limit", "interleaved", "unmask"), this::filterLogEvents));
    }

    private JsonNode createLogGroup(RequestContext context, JsonNode request)
    {
        if (optionalString(request, "kmsKeyId") != null) {
            throw EcsException.invalidParameter("Berth's CloudWatch Logs does not encrypt with KMS keys; leave out kmsKeyId.");
        }
        JsonNode tags = request.get("tags");
        if (tags != null && !tags.isNull() && !tags.isEmpty()) {
            throw EcsException.invalidParameter("Berth's CloudWatch Logs does not support tags on log groups; leave out tags.");
        }
        standardClassOnly(request);
        logs.createGroup(context.account().accountId(), required(request, "logGroupName"));
        return JsonFields.object();
    }

    private JsonNode deleteLogGroup(RequestContext context, JsonNode request)
    {
        logs.deleteGroup(context.account().accountId(), required(request, "logGroupName"));
        return JsonFields.object();
    }

    private JsonNode describeLogGroups(RequestContext context, JsonNode request)
    {
        if (Boolean.TRUE.equals(optionalBoolean(request, "includeLinkedAccounts"))) {
            throw EcsException.invalidParameter("Berth's CloudWatch Logs has no linked accounts; includeLinkedAccounts must be false.");
        }
        standardClassOnly(request);
        String prefix = optionalString(request, "logGroupNamePrefix");
        Page<LogGroup> page = logs.describeGroups(context.account().accountId(), prefix == null ? "" : prefix, offset(request), limit(request, MAX_DESCRIBE_LIMIT));
        ObjectNode response = JsonFields.object();
        ArrayNode groups = response.putArray("logGroups");
        for (LogGroup group : page.items()) {
            ObjectNode node = groups.addObject();
            node.put("logGroupName", group.name());
            node.put("creationTime", group.createdAt().toEpochMilli());
            if (group.retentionDays() != null) {
                node.put("retentionInDays", group.retentionDays());
            }
            node.put("metricFilterCount", 0);
            node.put("arn", groupArn(context, group.accountId(), group.name()) + ":*");
            node.put("storedBytes", group.storedBytes());
            node.put("logGroupClass", "STANDARD");
            node.put("logGroupArn", groupArn(context, group.accountId(), group.name()));
        }
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode putRetentionPolicy(RequestContext context, JsonNode request)
    {
        Integer days = optionalInteger(request, "retentionInDays");
        if (days == null) {
            throw EcsException.invalidParameter("retentionInDays is required.");
        }
        logs.setRetention(context.account().accountId(), required(request, "logGroupName"), days);
        return JsonFields.object();
    }

    private JsonNode deleteRetentionPolicy(RequestContext context, JsonNode request)
    {
        logs.setRetention(context.account().accountId(), required(request, "logGroupName"), null);
        return JsonFields.object();
    }

    private JsonNode createLogStream(RequestContext context, JsonNode request)
    {
        logs.createStream(context.account().accountId(), required(request, "logGroupName"), required(request, "logStreamName"));
        return JsonFields.object();
    }

    private JsonNode deleteLogStream(RequestContext context, JsonNode request)
    {
        logs.deleteStream(context.account().accountId(), required(request, "logGroupName"), required(request, "logStreamName"));
        return JsonFields.object();
    }

    private JsonNode describeLogStreams(RequestContext context, JsonNode request)
    {
        String group = groupName(context, request);
        String orderBy = optionalString(request, "orderBy");
        LogStreamRows.Order order;
        if (orderBy == null || orderBy.equals("LogStreamName")) {
            order = LogStreamRows.Order.NAME;
        }
        else if (orderBy.equals("LastEventTime")) {
            order = LogStreamRows.Order.LAST_EVENT_TIME;
        }
        else {
            throw EcsException.invalidParameter("1 validation error detected: Value '" + orderBy
                    + "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        }
        String prefix = optionalString(request, "logStreamNamePrefix");
        Page<LogStream> page = logs.describeStreams(context.account().accountId(), group, prefix == null ? "" : prefix, order,
                Boolean.TRUE.equals(optionalBoolean(request, "descending")), offset(request), limit(request, MAX_DESCRIBE_LIMIT));
        ObjectNode response = JsonFields.object();
        ArrayNode streams = response.putArray("logStreams");
        for (LogStream stream : page.items()) {
            ObjectNode node = streams.addObject();
            node.put("logStreamName", stream.name());
            node.put("creationTime", stream.createdAt().toEpochMilli());
            putMillis(node, "firstEventTimestamp", stream.firstEventAt());
            putMillis(node, "lastEventTimestamp", stream.lastEventAt());
            putMillis(node, "lastIngestionTime", stream.lastIngestionAt());
            node.put("arn", groupArn(context, stream.accountId(), stream.groupName()) + ":log-stream:" + stream.name());
            node.put("storedBytes", stream.storedBytes());
        }
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode putLogEvents(RequestContext context, JsonNode request)
    {
        List<InputLogEvent> events = new ArrayList<>();
        for (JsonNode event : optionalObjects(request, "logEvents")) {
            Long timestamp = optionalLong(event, "timestamp");
            String message = optionalString(event, "message");
            if (timestamp == null || message == null) {
                throw EcsException.invalidParameter("Each of logEvents needs a timestamp (epoch milliseconds) and a message.");
            }
            events.add(new InputLogEvent(Instant.ofEpochMilli(timestamp), message));
        }
        PutResult result = logs.putEvents(context.account().accountId(), required(request, "logGroupName"), required(request, "logStreamName"), events);
        ObjectNode response = JsonFields.object();
        if (result.rejectedAny()) {
            ObjectNode rejected = response.putObject("rejectedLogEventsInfo");
            JsonFields.putIfNotNull(rejected, "tooNewLogEventStartIndex", result.tooNewStartIndex());
            JsonFields.putIfNotNull(rejected, "tooOldLogEventEndIndex", result.tooOldEndIndex());
            JsonFields.putIfNotNull(rejected, "expiredLogEventEndIndex", result.expiredEndIndex());
        }
        return response;
    }

    private JsonNode getLogEvents(RequestContext context, JsonNode request)
    {
        refuseUnmask(request);
        String group = groupName(context, request);
        EventsPage page = logs.getEvents(context.account().accountId(), group, required(request, "logStreamName"), optionalLong(request, "startTime"),
                optionalLong(request, "endTime"), optionalString(request, "nextToken"), Boolean.TRUE.equals(optionalBoolean(request, "startFromHead")),
                limit(request, MAX_EVENTS_LIMIT));
        ObjectNode response = JsonFields.object();
        ArrayNode events = response.putArray("events");
        for (LogEvent event : page.events()) {
            ObjectNode node = events.addObject();
            node.put("timestamp", event.timestamp().toEpochMilli());
            node.put("message", event.message());
            node.put("ingestionTime", event.ingestionTime().toEpochMilli());
        }
        response.put("nextForwardToken", page.nextForward().token());
        response.put("nextBackwardToken", page.nextBackward().token());
        return response;
    }

    private JsonNode filterLogEvents(RequestContext context, JsonNode request)
    {
        refuseUnmask(request);
        String group = groupName(context, request);
        List<String> streamNames = optionalStrings(request, "logStreamNames");
        FilteredEvents found = logs.filterEvents(context.account().accountId(), group, streamNames == null ? List.of() : streamNames,
                optionalString(request, "logStreamNamePrefix"), optionalLong(request, "startTime"), optionalLong(request, "endTime"),
                FilterPattern.parse(optionalString(request, "filterPattern")), optionalString(request, "nextToken"), limit(request, MAX_EVENTS_LIMIT));
        ObjectNode response = JsonFields.object();
        ArrayNode events = response.putArray("events");
        for (LogEvent event : found.events()) {
            ObjectNode node = events.addObject();
            node.put("logStreamName", event.streamName());
            node.put("timestamp", event.timestamp().toEpochMilli());
            node.put("message", event.message());
            node.put("ingestionTime", event.ingestionTime().toEpochMilli());
            node.put("eventId", event.eventId());
        }
        if (found.next() != null) {
            response.put("nextToken", found.next().token());
        }
        return response;
    }

    /** logGroupName, or logGroupIdentifier (a name or the ARN of one of the caller's groups); exactly one of them. */
    private static String groupName(RequestContext context, JsonNode request)
    {
        String name = optionalString(request, "logGroupName");
        String identifier = optionalString(request, "logGroupIdentifier");
        if (name != null && identifier != null) {
            throw EcsException.invalidParameter("LogGroupName and LogGroupIdentifier are mutually exclusive; give one of them.");
        }
        if (identifier == null) {
            if (name == null) {
                throw EcsException.invalidParameter("Either LogGroupName or LogGroupIdentifier is required.");
            }
            return name;
        }
        if (!identifier.startsWith("arn:")) {
            return identifier;
        }
        String[] parts = identifier.split(":", 7);
        if (parts.length < 7 || !parts[2].equals("logs") || !parts[5].equals("log-group")) {
            throw EcsException.invalidParameter("logGroupIdentifier '" + identifier + "' is neither a log group name nor a log group ARN.");
        }
        if (!parts[4].equals(context.account().accountId())) {
            // another account's group is not found, as one that does not exist
            throw new EcsException("ResourceNotFoundException", "The specified log group does not exist.");
        }
        String rest = parts[6];
        return rest.endsWith(":*") ? rest.substring(0, rest.length() - 2) : rest;
    }

    private static String groupArn(RequestContext context, String accountId, String groupName)
    {
        return "arn:aws:logs:" + context.region() + ":" + accountId + ":log-group:" + groupName;
    }

    private static String required(JsonNode request, String field)
    {
        String value = optionalString(request, field);
        if (value == null) {
            throw EcsException.invalidParameter("1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static void standardClassOnly(JsonNode request)
    {
        String logGroupClass = optionalString(request, "logGroupClass");
        if (logGroupClass != null && !logGroupClass.equals("STANDARD")) {
            throw EcsException.invalidParameter("Berth's log groups are all of class STANDARD; logGroupClass " + logGroupClass + " is not supported.");
        }
    }

    private static void refuseUnmask(JsonNode request)
    {
        if (Boolean.TRUE.equals(optionalBoolean(request, "unmask"))) {
            throw EcsException.invalidParameter("Berth's CloudWatch Logs has no data protection policies, so nothing to unmask; unmask must be false.");
        }
    }

    private static int offset(JsonNode request)
    {
        String token = optionalString(request, "nextToken");
        return Page.decodeToken(token).orElseThrow(() -> LogsException.invalid("The specified nextToken is invalid."));
    }

    private static int limit(JsonNode request, int max)
    {
        Integer limit = optionalInteger(request, "limit");
        if (limit == null) {
            return max;
        }
        if (limit < 1 || limit > max) {
            throw EcsException.invalidParameter("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: "
                    + "Member must have value between 1 and " + max);
        }
        return limit;
    }

    private static Long optionalLong(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw EcsException.invalidParameter("'" + field + "' must be a whole number of milliseconds since the epoch.");
        }
        return value.asLong();
    }

    private static void putMillis(ObjectNode node, String field, Instant value)
    {
        if (value != null) {
            node.put(field, value.toEpochMilli());
        }
    }
}
