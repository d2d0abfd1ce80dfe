package io.berth.controlplane.logs;

import io.berth.controlplane.resources.Page;
import io.berth.controlplane.store.ConcurrentUpdateException;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.store.LogStreamRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The log groups, streams and events of each account. Every method takes the calling account and sees only its
 * groups: another account's group is not found, exactly as one that does not exist.
 */
public final class LogService
{
    /** CloudWatch's limits on one PutLogEvents call. */
    public static final int MAX_BATCH_EVENTS = 10_000;
    public static final int MAX_BATCH_BYTES = 1_048_576;
    public static final int MAX_EVENT_BYTES = 262_144 - InputLogEvent.OVERHEAD_BYTES;
    /** One GetLogEvents or FilterLogEvents answer holds at most this much of messages, as CloudWatch's 1 MB. */
    static final int MAX_RESPONSE_BYTES = 1_048_576;
    /** How many events one FilterLogEvents call looks at before it answers with what matched and a token. */
    static final int MAX_SCANNED_EVENTS = 10_000;
    private static final Duration MAX_AHEAD = Duration.ofHours(2);
    private static final Duration MAX_AGE = Duration.ofDays(14);
    private static final Duration MAX_SPAN = Duration.ofHours(24);

    private static final Logger log = LoggerFactory.getLogger(LogService.class);

    private final Store store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public LogService(Store store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public LogGroup createGroup(String accountId, String name)
    {
        LogNames.checkGroup(name);
        Instant now = clock.instant();
        if (!store.inTransaction(transaction -> transaction.logGroups().insertIfAbsent(accountId, name, now))) {
            throw LogsException.groupExists();
        }
        log.info("account {} created log group {}", accountId, name);
        return new LogGroup(accountId, name, now, null, 0);
    }

    public void deleteGroup(String accountId, String name)
    {
        LogNames.checkGroup(name);
        if (!store.inTransaction(transaction -> transaction.logGroups().delete(accountId, name))) {
            throw LogsException.groupNotFound();
        }
        log.info("account {} deleted log group {}", accountId, name);
    }

    /** The account's groups whose names start with prefix (all when empty), by name. */
    public Page<LogGroup> describeGroups(String accountId, String prefix, int offset, int limit)
    {
        List<LogGroup> rows = store.inTransaction(transaction -> transaction.logGroups().list(accountId, prefix, offset, limit + 1));
        return Page.of(rows, offset, limit);
    }

    /** retentionDays null: the group's events never expire. */
    public void setRetention(String accountId, String name, Integer retentionDays)
    {
        LogNames.checkGroup(name);
        if (retentionDays != null) {
            LogNames.checkRetention(retentionDays);
        }
        if (!store.inTransaction(transaction -> transaction.logGroups().setRetention(accountId, name, retentionDays))) {
            throw LogsException.groupNotFound();
        }
    }

    public void createStream(String accountId, String groupName, String name)
    {
        LogNames.checkGroup(groupName);
        LogNames.checkStream(name);
        store.useTransaction(transaction -> {
            requireGroup(transaction, accountId, groupName);
            if (!transaction.logStreams().insertIfAbsent(accountId, groupName, name, streamKey(), clock.instant())) {
                throw LogsException.streamExists();
            }
        });
    }

    public void deleteStream(String accountId, String groupName, String name)
    {
        LogNames.checkGroup(groupName);
        LogNames.checkStream(name);
        store.useTransaction(transaction -> {
            requireGroup(transaction, accountId, groupName);
            if (!transaction.logStreams().delete(accountId, groupName, name)) {
                throw LogsException.streamNotFound();
            }
        });
    }

    public Page<LogStream> describeStreams(String accountId, String groupName, String prefix, LogStreamRows.Order order, boolean descending, int offset, int limit)
    {
        LogNames.checkGroup(groupName);
        if (!prefix.isEmpty() && order == LogStreamRows.Order.LAST_EVENT_TIME) {
            throw LogsException.invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        List<LogStream> rows = store.inTransaction(transaction -> {
            requireGroup(transaction, accountId, groupName);
            return transaction.logStreams().list(accountId, groupName, prefix, order, descending, offset, limit + 1);
        });
        return Page.of(rows, offset, limit);
    }

    /** Stores the events in the stream, all or none, except those CloudWatch would reject (reported, not stored). */
    public PutResult putEvents(String accountId, String groupName, String streamName, List<InputLogEvent> events)
    {
        LogNames.checkGroup(groupName);
        LogNames.checkStream(streamName);
        checkBatch(events);
        Instant now = clock.instant();
        return store.inTransaction(transaction -> {
            LogGroup group = transaction.logGroups().find(accountId, groupName).orElseThrow(LogsException::groupNotFound);
            LogStream stream = transaction.logStreams().find(accountId, groupName, streamName).orElseThrow(LogsException::streamNotFound);
            Integer tooNew = null;
            Integer tooOld = null;
            Integer expired = null;
            Instant expiredBefore = group.retentionDays() == null ? null : now.minus(Duration.ofDays(group.retentionDays()));
            List<InputLogEvent> accepted = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                Instant time = events.get(i).timestamp();
                if (time.isAfter(now.plus(MAX_AHEAD))) {
                    tooNew = tooNew == null ? i : tooNew;
                }
                else if (time.isBefore(now.minus(MAX_AGE))) {
                    tooOld = i + 1;
                }
                else if (expiredBefore != null && time.isBefore(expiredBefore)) {
                    expired = i + 1;
                }
                else {
                    accepted.add(events.get(i));
                }
            }
            append(transaction, stream, accepted, now);
            return new PutResult(tooNew, tooOld, expired);
        });
    }

    /**
     * Events of one stream with start <= time < end (epoch milliseconds, null for no bound). Without a token the
     * read starts at the head (startFromHead) or takes the last events of the stream; with one it goes on from the
     * token's position in the token's direction.
     */
    public EventsPage getEvents(String accountId, String groupName, String streamName, Long start, Long end, String token, boolean startFromHead, int limit)
    {
        LogNames.checkGroup(groupName);
        LogNames.checkStream(streamName);
        return store.inTransaction(transaction -> {
            requireGroup(transaction, accountId, groupName);
            LogStream stream = transaction.logStreams().find(accountId, groupName, streamName).orElseThrow(LogsException::streamNotFound);
            StreamPosition position = token != null ? StreamPosition.parse(token)
                    : startFromHead ? StreamPosition.forwardFrom(0) : StreamPosition.backwardFrom(stream.lastSequence());
            if (position.forward()) {
                List<LogEvent> events = trimFromEnd(transaction.logEvents().forward(accountId, groupName, streamName, position.sequence(), start, end, limit));
                return EventsPage.of(events, position.sequence());
            }
            List<LogEvent> events = trimFromStart(transaction.logEvents().backward(accountId, groupName, streamName, position.sequence(), start, end, limit));
            return EventsPage.of(events, position.sequence());
        });
    }

    /**
     * Events of the group's streams (those named, or those whose names start with streamPrefix, or all) with start
     * <= time <= end that match pattern, in time order, at most limit, going on after the token's position.
     */
    public FilteredEvents filterEvents(String accountId, String groupName, List<String> streamNames, String streamPrefix, Long start, Long end,
            FilterPattern pattern, String token, int limit)
    {
        LogNames.checkGroup(groupName);
        streamNames.forEach(LogNames::checkStream);
        if (!streamNames.isEmpty() && streamPrefix != null) {
            throw LogsException.invalid("logStreamNames and logStreamNamePrefix are mutually exclusive; give one of them.");
        }
        FilterPosition after = token == null ? null : FilterPosition.parse(token);
        return store.inTransaction(transaction -> {
            requireGroup(transaction, accountId, groupName);
            List<LogEvent> matched = new ArrayList<>();
            int scanned = 0;
            int bytes = 0;
            FilterPosition position = after;
            while (true) {
                int batch = Math.min(1000, MAX_SCANNED_EVENTS - scanned);
                List<LogEvent> rows = transaction.logEvents().inGroup(accountId, groupName, streamNames, streamPrefix, start, end, position, batch);
                for (LogEvent event : rows) {
                    scanned++;
                    position = FilterPosition.after(event);
                    if (pattern.matches(event.message())) {
                        matched.add(event);
                        bytes += event.message().length();
                        if (matched.size() >= limit || bytes >= MAX_RESPONSE_BYTES) {
                            return new FilteredEvents(matched, position);
                        }
                    }
                }
                if (rows.size() < batch) {
                    return new FilteredEvents(matched, null);
                }
                if (scanned >= MAX_SCANNED_EVENTS) {
                    // an answer with a token and perhaps no events, as CloudWatch gives while it searches on
                    return new FilteredEvents(matched, position);
                }
            }
        });
    }

    /** Deletes the events older than their group's retention; returns how many. */
    public int purgeExpired()
    {
        Instant now = clock.instant();
        int deleted = store.inTransaction(transaction -> {
            int count = 0;
            for (LogGroup group : transaction.logGroups().withRetention()) {
                count += transaction.logEvents().deleteBefore(group.accountId(), group.name(), now.minus(Duration.ofDays(group.retentionDays())));
            }
            return count;
        });
        if (deleted > 0) {
            log.info("Deleted {} log events past their group's retention", deleted);
        }
        return deleted;
    }

    /** Appends events to the stream in the given order, numbering them; redone by the store if another writer moved the stream. */
    static void append(StoreTransaction transaction, LogStream stream, List<InputLogEvent> events, Instant now)
    {
        if (events.isEmpty()) {
            return;
        }
        long next = stream.nextSequence();
        Instant first = events.getFirst().timestamp();
        Instant last = first;
        for (InputLogEvent event : events) {
            first = event.timestamp().isBefore(first) ? event.timestamp() : first;
            last = event.timestamp().isAfter(last) ? event.timestamp() : last;
        }
        if (!transaction.logStreams().advance(stream.accountId(), stream.groupName(), stream.name(), next, next + events.size(), first, last, now)) {
            throw new ConcurrentUpdateException("log stream " + stream.name() + " was written concurrently");
        }
        for (InputLogEvent event : events) {
            transaction.logEvents().insert(stream.accountId(), stream.groupName(), stream.name(), next++, event, now);
        }
    }

    long streamKey()
    {
        return random.nextLong() & Long.MAX_VALUE;
    }

    private static void checkBatch(List<InputLogEvent> events)
    {
        if (events.isEmpty()) {
            throw LogsException.invalid("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        if (events.size() > MAX_BATCH_EVENTS) {
            throw LogsException.invalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to "
                    + MAX_BATCH_EVENTS);
        }
        long bytes = 0;
        for (int i = 0; i < events.size(); i++) {
            InputLogEvent event = events.get(i);
            if (event.message().isEmpty()) {
                throw LogsException.invalid("1 validation error detected: Value '' at 'logEvents." + (i + 1) + ".member.message' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 1");
            }
            if (event.sizeBytes() > MAX_EVENT_BYTES) {
                throw LogsException.invalid("Log event too large: event " + i + " has " + event.sizeBytes() + " bytes; the most is " + MAX_EVENT_BYTES + ".");
            }
            if (i > 0 && event.timestamp().isBefore(events.get(i - 1).timestamp())) {
                throw LogsException.invalid("Log events in a single PutLogEvents request must be in chronological order.");
            }
            bytes += event.sizeBytes() + InputLogEvent.OVERHEAD_BYTES;
        }
        if (bytes > MAX_BATCH_BYTES) {
            throw LogsException.invalid("Upload too large: " + bytes + " bytes exceeds limit of " + MAX_BATCH_BYTES);
        }
        if (Duration.between(events.getFirst().timestamp(), events.getLast().timestamp()).compareTo(MAX_SPAN) > 0) {
            throw LogsException.invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
    }

    private static void requireGroup(StoreTransaction transaction, String accountId, String groupName)
    {
        if (!transaction.logGroups().exists(accountId, groupName)) {
            throw LogsException.groupNotFound();
        }
    }

    /** Keeps the first events whose messages fit in one answer. */
    private static List<LogEvent> trimFromEnd(List<LogEvent> events)
    {
        int bytes = 0;
        for (int i = 0; i < events.size(); i++) {
            bytes += events.get(i).message().length();
            if (bytes > MAX_RESPONSE_BYTES && i > 0) {
                return events.subList(0, i);
            }
        }
        return events;
    }

    /** Keeps the last events whose messages fit in one answer. */
    private static List<LogEvent> trimFromStart(List<LogEvent> events)
    {
        int bytes = 0;
        for (int i = events.size() - 1; i >= 0; i--) {
            bytes += events.get(i).message().length();
            if (bytes > MAX_RESPONSE_BYTES && i < events.size() - 1) {
                return events.subList(i + 1, events.size());
            }
        }
        return events;
    }
}
