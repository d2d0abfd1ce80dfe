package io.berth.controlplane.resources;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One page of a list and the token for the next (null on the last page). Tokens are opaque to clients; they
 * carry the offset of the next item.
 */
public record Page<T>(List<T> items, String nextToken)
{
    public static final int DEFAULT_MAX_RESULTS = 100;

    public Page
    {
        items = List.copyOf(items);
    }

    /** Cuts a page from rows fetched with limit maxResults + 1 at offset. */
    public static <T> Page<T> of(List<T> rows, int offset, int maxResults)
    {
        if (rows.size() <= maxResults) {
            return new Page<>(rows, null);
        }
        return new Page<>(rows.subList(0, maxResults), encodeToken(offset + maxResults));
    }

    public static String encodeToken(int offset)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("berth-offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token stands for; empty when the token was not made by {@link #encodeToken}. */
    public static Optional<Integer> decodeToken(String token)
    {
        if (token == null || token.isEmpty()) {
            return Optional.of(0);
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith("berth-offset:")) {
                return Optional.empty();
            }
            int offset = Integer.parseInt(decoded.substring("berth-offset:".length()));
            return offset >= 0 ? Optional.of(offset) : Optional.empty();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
