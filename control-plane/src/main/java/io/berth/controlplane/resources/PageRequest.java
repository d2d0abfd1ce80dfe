package io.berth.controlplane.resources;

import io.berth.controlplane.api.EcsException;

/** maxResults and nextToken of a List* call, checked. */
public record PageRequest(int offset, int maxResults)
{
    public static PageRequest of(Integer maxResults, String nextToken)
    {
        int limit = maxResults == null ? Page.DEFAULT_MAX_RESULTS : maxResults;
        if (limit < 1 || limit > 100) {
            throw EcsException.invalidParameter("maxResults must be between 1 and 100, got " + limit + ".");
        }
        int offset = Page.decodeToken(nextToken)
                .orElseThrow(() -> EcsException.invalidParameter("Invalid nextToken: pass the nextToken of the previous response unchanged."));
        return new PageRequest(offset, limit);
    }
}
