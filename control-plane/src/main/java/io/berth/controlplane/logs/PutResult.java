package io.berth.controlplane.logs;

/**
 * What PutLogEvents did not store, as CloudWatch reports it: events from tooNewStartIndex on were more than two hours
 * ahead, events up to tooOldEndIndex (exclusive) older than 14 days, and up to expiredEndIndex (exclusive) older than the
 * group's retention. Null fields: no such events.
 */
public record PutResult(Integer tooNewStartIndex, Integer tooOldEndIndex, Integer expiredEndIndex)
{
    public boolean rejectedAny()
    {
        return tooNewStartIndex != null || tooOldEndIndex != null || expiredEndIndex != null;
    }
}
