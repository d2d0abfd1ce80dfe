package io.berth.controlplane.resources;

/** maxResults and nextToken of a List* call, checked. */
public record PageRequest(int offset, int maxResults)
{
    public static PageRequest of(Integer maxResults, String nextToken)
    {
        int limit = maxResults == null ? Page.DEFAULT_MAX_RESULTS : maxResults;
        if (limit < 1 || limit > 100) {
            throw InvalidRequestException.invalidValue("maxResults must be between 1 and 100, got " + limit + ".");
        }
        int offset = Page.decodeToken(nextToken)
                .orElseThrow(() -> InvalidRequestException.invalidValue("Invalid nextToken: pass the nextToken of the previous response unchanged."));
        return new PageRequest(offset, limit);
    }
}
